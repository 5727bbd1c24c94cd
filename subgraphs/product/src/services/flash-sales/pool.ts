/**
 * A flash sale's pool, changed inside one transaction that holds the sale row (`PoolTx`), and
 * what happens after it commits (`PoolEffects`): the Redis mirror, live-status messages,
 * cached availability and metrics. Every movement of units goes through `PoolTx`, so its rules
 * are in one place:
 *
 *   available --admit--> held --consume--> sold --restock--> free
 *   held --expire / release for good / surplus of a purchase--> free
 *
 * (redeeming a token moves no counter: the units stay `held`, by a ticket now REDEEMING.)
 *
 * where "free" is `available` while the sale runs, and `returned` (sellable stock again, with an
 * audit row) once it ended or sold out. The CHECK constraints check the sums on every write.
 */
import type { TagStore } from '@platform/redis';
import type { Logger } from '@platform/logger';
import { stockChanged } from '../../cache/stock-changes.ts';
import type { CatalogCache } from '../../cache/catalog-cache.ts';
import type { FlashQueue } from '../../cache/flash-queue.ts';
import type { SaleCache } from '../../cache/flash-sales.ts';
import { applyStockChanges, lockInventory, type Tx } from '../../data/inventory.ts';
import { updatePool, updateTicketAndPool, type PoolUpdate, type SaleRow, type TicketUpdate } from '../../data/flash-sales.ts';
import { admit, closeWaiting, lockInStatus, lockLapsed, lockNextWaiting, setStatus, type TicketRow } from '../../data/flash-tickets.ts';
import type { FlashSaleChange, FlashSaleEvents } from './events.ts';
import type { FlashSaleMetrics } from './metrics.ts';
import { unsold } from './rules.ts';

const COUNTERS = ['available', 'held', 'sold', 'returned', 'soldOutAt', 'endedAt', 'admittedThroughSeq', 'admissionWindow', 'admittedInWindow'] as const;

/** The changes one transaction made to one sale, for `PoolEffects` to act on after commit. */
export interface PoolOutcome {
  sale: SaleRow;
  changes: FlashSaleChange[];
  /** Units that went back to sellable stock. */
  stockReturned: number;
  admitted: number;
  expired: number;
  sold: number;
}

export class PoolTx {
  readonly sale: SaleRow;
  private readonly before: SaleRow;
  private readonly changes: FlashSaleChange[] = [];
  private stockReturned = 0;
  private admitted = 0;
  private expired = 0;
  private soldUnits = 0;
  /** One ticket's new state, written with the counters in one statement by `save`. */
  private ticketUpdate: { id: string; update: TicketUpdate } | undefined;
  private closeOnSave = false;

  constructor(
    private readonly tx: Tx,
    locked: SaleRow,
    private readonly now: Date,
  ) {
    this.sale = { ...locked };
    this.before = locked;
  }

  get isEnded(): boolean {
    return this.sale.endedAt !== null || this.now >= this.sale.endsAt;
  }

  /** Units leaving a ticket or a checkout: back to the pool while the sale runs, to sellable stock once it is closed. */
  free(units: number): void {
    if (this.sale.endedAt || this.sale.soldOutAt) {
      this.sale.returned += units;
      this.stockReturned += units;
    } else this.sale.available += units;
  }

  /** Records the new state of the one ticket this transaction changes besides the counters (written by `save`). */
  setTicket(ticket: Pick<TicketRow, 'id'>, update: TicketUpdate): void {
    this.ticketUpdate = { id: ticket.id, update };
  }

  /** A ticket's status changed (published after commit). */
  ticketChanged(ticket: Pick<TicketRow, 'userId'>, status: string): void {
    this.changes.push({ kind: 'ticket', saleId: this.sale.id, userId: ticket.userId, status });
  }

  countExpired(tokens: number): void {
    this.expired += tokens;
  }

  countSold(units: number): void {
    this.sale.sold += units;
    this.soldUnits += units;
  }

  /**
   * Admits the next waiting tickets in join order, as many as this second's admission budget
   * and the free units allow; each holds up to the per-buyer limit until its token lapses.
   */
  async admitNext(tokenTtlSeconds: number): Promise<void> {
    const s = this.sale;
    if (this.now < s.startsAt || this.isEnded || s.soldOutAt || s.available <= 0) return;
    const window = Math.floor((this.now.getTime() - s.startsAt.getTime()) / 1000);
    const used = s.admissionWindow === window ? s.admittedInWindow : 0;
    const budget = s.admissionsPerSecond - used;
    if (budget <= 0) return;
    // Every admitted ticket takes at least one unit, so no more than `available` can be let in.
    const next = await lockNextWaiting(this.tx, s.id, Math.min(budget, s.available));
    const admitted: { id: string; units: number }[] = [];
    for (const ticket of next) {
      const units = Math.min(s.perBuyerLimit, s.available);
      if (units === 0) break;
      s.available -= units;
      s.held += units;
      s.admittedThroughSeq = Math.max(s.admittedThroughSeq, ticket.seq);
      admitted.push({ id: ticket.id, units });
      this.ticketChanged(ticket, 'ADMITTED');
    }
    if (admitted.length === 0) return;
    const expiresAt = new Date(Math.min(this.now.getTime() + tokenTtlSeconds * 1000, s.endsAt.getTime()));
    await admit(this.tx, admitted, this.now, expiresAt);
    s.admissionWindow = window;
    s.admittedInWindow = used + admitted.length;
    this.admitted += admitted.length;
    this.changes.push({ kind: 'queue', saleId: s.id });
  }

  /** Tokens that lapsed unused and checkout holds that lapsed: their units go back. */
  async expireLapsed(): Promise<void> {
    const lapsed = await lockLapsed(this.tx, this.sale.id, this.now);
    for (const ticket of lapsed) this.release(ticket);
    await setStatus(this.tx, lapsed.map((t) => t.id), 'EXPIRED');
    for (const ticket of lapsed) this.ticketChanged(ticket, 'EXPIRED');
    this.expired += lapsed.length;
  }

  /** Takes a held or redeeming ticket's units off it (the caller sets its new status). */
  release(ticket: Pick<TicketRow, 'status' | 'units'>): void {
    if (ticket.status !== 'ADMITTED' && ticket.status !== 'REDEEMING') return;
    this.sale.held -= ticket.units;
    this.free(ticket.units);
  }

  /**
   * Ends the sale: unsold units that no checkout holds go back to sellable stock, admitted
   * tickets' tokens lapse and waiting tickets miss out. Running checkouts keep their units; what
   * they give back later goes to stock too.
   */
  async end(): Promise<void> {
    const s = this.sale;
    if (s.endedAt) return;
    s.endedAt = this.now;
    const admitted = await lockInStatus(this.tx, s.id, 'ADMITTED');
    for (const ticket of admitted) this.release(ticket);
    await setStatus(this.tx, admitted.map((t) => t.id), 'EXPIRED');
    for (const ticket of admitted) this.ticketChanged(ticket, 'EXPIRED');
    this.free(s.available);
    s.available = 0;
    await closeWaiting(this.tx, s.id);
    this.changes.push({ kind: 'closed', saleId: s.id, status: 'ENDED' });
  }

  /** Once nothing is left unsold, every waiting ticket becomes SOLD_OUT in this same transaction (written by `save`). */
  closeIfSoldOut(): void {
    const s = this.sale;
    if (s.soldOutAt || s.endedAt || unsold(s) > 0) return;
    s.soldOutAt = this.now;
    this.closeOnSave = true;
    this.changes.push({ kind: 'closed', saleId: s.id, status: 'SOLD_OUT' });
  }

  /** Waiting tickets that slipped in as the sale closed (a join racing the last sale) miss out too. */
  async sweepClosed(): Promise<void> {
    if (this.sale.soldOutAt || this.sale.endedAt) await closeWaiting(this.tx, this.sale.id);
  }

  /** Writes the counters that changed, and the units returned to stock with their audit row. */
  async save(): Promise<PoolOutcome> {
    const update: PoolUpdate = {};
    for (const column of COUNTERS) if (this.sale[column] !== this.before[column]) Object.assign(update, { [column]: this.sale[column] });
    if (this.ticketUpdate) await updateTicketAndPool(this.tx, this.sale.id, update, this.ticketUpdate.id, this.ticketUpdate.update);
    else await updatePool(this.tx, this.sale.id, update);
    if (this.closeOnSave) await closeWaiting(this.tx, this.sale.id);
    if (this.stockReturned > 0) {
      const levels = await lockInventory(this.tx, [this.sale.productId]);
      await applyStockChanges(this.tx, levels, [{ productId: this.sale.productId, onHandDelta: this.stockReturned, reservedDelta: 0, reason: 'FLASH_SALE_RETURN', reference: `flash-sale:${this.sale.id}` }]);
    }
    return { sale: this.sale, changes: this.changes, stockReturned: this.stockReturned, admitted: this.admitted, expired: this.expired, sold: this.soldUnits };
  }
}

export interface PoolEffectsDeps {
  queue: FlashQueue;
  events: FlashSaleEvents;
  metrics: FlashSaleMetrics;
  catalog: CatalogCache;
  tags: TagStore;
  sales: SaleCache;
  logger: Logger;
}

/** What follows a committed pool transaction; never throws (Redis is an accelerator here). */
export class PoolEffects {
  constructor(private readonly deps: PoolEffectsDeps) {}

  async apply(outcome: PoolOutcome, now: Date): Promise<void> {
    const { queue, events, metrics, catalog, tags, sales } = this.deps;
    const { sale } = outcome;
    sales.drop(sale.id);
    if (outcome.stockReturned) await stockChanged({ cache: catalog, tags }, [sale.productId]);
    // The mirror first, so a gateway re-reading on the message below already sees the change.
    await queue.advance(sale.id, sale.admittedThroughSeq);
    if (sale.soldOutAt || sale.endedAt) await queue.close(sale.id, new Date(sale.endsAt.getTime() + 3_600_000));
    await events.publish(outcome.changes, now);
    metrics.admitted(sale.id, outcome.admitted);
    metrics.expired(sale.id, outcome.expired);
    metrics.sold(sale.id, outcome.sold);
    if (sale.endedAt) metrics.forget(sale.id);
  }
}
