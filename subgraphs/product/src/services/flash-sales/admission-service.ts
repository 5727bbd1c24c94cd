/**
 * The flash-sale job, run on a timer by every replica (and by tests through the running
 * subgraph): for each sale that is open, one transaction that ends it when its time is up, lets
 * lapsed tokens go, and admits the next tickets at the sale's rate; then the Redis mirror is
 * brought in line with Postgres (rebuilt when Redis lost it). A per-sale advisory lock lets one
 * replica work a sale at a time; the others skip it for that run.
 */
import type { Logger } from '@platform/logger';
import type { FlashQueue } from '../../cache/flash-queue.ts';
import type { SaleCache } from '../../cache/flash-sales.ts';
import { findOpenSaleIds, lockSale, tryLockSaleWork, type SaleRow } from '../../data/flash-sales.ts';
import { countByStatus, ticketOrder, ticketTotals } from '../../data/flash-tickets.ts';
import type { Tx } from '../../data/inventory.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { RequestContext } from '../../request-context.ts';
import type { FlashSaleMetrics } from './metrics.ts';
import { PoolEffects, PoolTx, type PoolOutcome } from './pool.ts';
import { isClosed } from './rules.ts';

/** Sales whose queue opens within this are prepared (their Redis mirror built) ahead of time. */
const PREPARE_AHEAD_MS = 60_000;
/** How often a timer run asks Postgres which sales are open (otherwise Redis's set says, so an idle run costs no SQL). */
const DISCOVER_EVERY_MS = 60_000;
/** How often a built mirror is compared with Postgres (counts) and its keys' lifetime renewed. */
const RECONCILE_EVERY_MS = 5_000;

export interface FlashJobReport {
  /** Sales this run worked on (others were skipped: another replica held them). */
  sales: number;
  admitted: number;
  expired: number;
  ended: number;
  /** Mirrors rebuilt from Postgres. */
  rebuilt: number;
}

export interface AdmissionDeps {
  prisma: PrismaClient;
  sales: SaleCache;
  queue: FlashQueue;
  effects: PoolEffects;
  metrics: FlashSaleMetrics;
  logger: Logger;
  tokenTtlSeconds: number;
  transactionWaitMs: number;
}

export class FlashSaleAdmissions {
  /** When this replica last compared each sale's mirror with Postgres. */
  private readonly reconciled = new Map<string, number>();
  /** Sales this replica knows are open (created here, or found in Postgres). */
  private readonly known = new Set<string>();
  private discoveredAt = 0;

  constructor(private readonly deps: AdmissionDeps) {}

  /**
   * Runs every open sale once as of the context's clock: end, expire, admit, mirror. Idempotent
   * for a given moment. `discover` asks Postgres which sales are open (a manual run always does;
   * the timer does every minute, or every run while Redis is away).
   */
  async run(ctx: RequestContext, options: { discover?: boolean } = {}): Promise<FlashJobReport> {
    const now = ctx.clock();
    const report: FlashJobReport = { sales: 0, admitted: 0, expired: 0, ended: 0, rebuilt: 0 };
    for (const saleId of await this.openSales(now, options.discover ?? false)) {
      const [sale] = await this.deps.sales.load([saleId]);
      // Not yet worth a transaction: ended, gone, or opening later than the preparation window.
      if (!sale || sale.endedAt) {
        this.forget(saleId);
        continue;
      }
      if (sale.queueOpensAt.getTime() - PREPARE_AHEAD_MS > now.getTime()) continue;
      const outcome = await this.tick(saleId, now);
      if (!outcome) continue;
      report.sales += 1;
      report.admitted += outcome.admitted;
      report.expired += outcome.expired;
      if (outcome.sale.endedAt) report.ended += 1;
      if (await this.mirror(outcome.sale, now)) report.rebuilt += 1;
    }
    return report;
  }

  /** Makes a new sale known to the job at once (on this replica, and to others through Redis). */
  async opened(saleId: string): Promise<void> {
    this.known.add(saleId);
    await this.deps.queue.markOpen([saleId]);
  }

  private async openSales(now: Date, discover: boolean): Promise<string[]> {
    const listed = await this.deps.queue.openSales();
    if (discover || listed === undefined || Date.now() - this.discoveredAt >= DISCOVER_EVERY_MS) {
      this.discoveredAt = Date.now();
      const ids = await findOpenSaleIds(this.deps.prisma, new Date(now.getTime() + PREPARE_AHEAD_MS));
      for (const id of ids) this.known.add(id);
      await this.deps.queue.markOpen(ids);
      return ids;
    }
    return [...new Set([...listed, ...this.known])].sort();
  }

  private forget(saleId: string): void {
    this.known.delete(saleId);
    this.reconciled.delete(saleId);
    void this.deps.queue.markEnded(saleId);
  }

  /** Ends a sale now (or returns it if it has ended) waiting for its lock; the admin's `endFlashSale`. */
  async end(saleId: string, now: Date): Promise<SaleRow | undefined> {
    const outcome = await this.transaction(async (tx) => {
      const sale = await lockSale(tx, saleId);
      if (!sale) return undefined;
      const pool = new PoolTx(tx, sale, now);
      await pool.end();
      return pool.save();
    });
    if (!outcome) return undefined;
    await this.deps.effects.apply(outcome, now);
    this.forget(saleId);
    return outcome.sale;
  }

  private async tick(saleId: string, now: Date): Promise<PoolOutcome | undefined> {
    const outcome = await this.transaction(async (tx) => {
      if (!(await tryLockSaleWork(tx, saleId))) return undefined;
      const sale = await lockSale(tx, saleId);
      if (!sale || sale.endedAt) return undefined;
      const pool = new PoolTx(tx, sale, now);
      if (pool.isEnded) await pool.end();
      else {
        await pool.expireLapsed();
        await pool.admitNext(this.deps.tokenTtlSeconds);
        await pool.sweepClosed();
      }
      return pool.save();
    });
    if (outcome) await this.deps.effects.apply(outcome, now);
    if (outcome?.sale.endedAt) this.forget(saleId);
    return outcome;
  }

  /** Rebuilds the mirror when Redis lacks it (or, every few seconds, when it disagrees with Postgres); reports the queue length. */
  private async mirror(sale: SaleRow, now: Date): Promise<boolean> {
    const { queue, prisma, metrics } = this.deps;
    if (sale.endedAt) return false;
    const built = await queue.isBuilt(sale.id);
    if (built === undefined) {
      // Redis is away: the queue length comes from the record.
      metrics.queueLength(sale.id, isClosed(sale, now) ? 0 : ((await countByStatus(prisma, sale.id)).WAITING ?? 0));
      return false;
    }
    const expiresAt = new Date(sale.endsAt.getTime() + 3_600_000);
    let rebuild = !built;
    const last = this.reconciled.get(sale.id) ?? 0;
    if (!rebuild && Date.now() - last >= RECONCILE_EVERY_MS) {
      this.reconciled.set(sale.id, Date.now());
      const [totals, size] = await Promise.all([ticketTotals(prisma, sale.id), queue.size(sale.id)]);
      rebuild = size !== undefined && size !== totals.count;
      await queue.touch(sale.id, expiresAt);
    }
    if (rebuild) await this.rebuild(sale, now);
    metrics.queueLength(sale.id, (await queue.waiting(sale.id)) ?? 0);
    return rebuild;
  }

  /** Loads every ticket's order from Postgres into Redis. */
  async rebuild(sale: SaleRow, now: Date): Promise<void> {
    const tickets = await ticketOrder(this.deps.prisma, sale.id);
    const maxSeq = tickets.reduce((max, t) => Math.max(max, t.seq), 0);
    const result = await this.deps.queue.rebuild({ saleId: sale.id, tickets, maxSeq, frontier: sale.admittedThroughSeq, closed: isClosed(sale, now), expiresAt: new Date(sale.endsAt.getTime() + 3_600_000) });
    this.reconciled.set(sale.id, Date.now());
    if (result) this.deps.logger.info({ saleId: sale.id, tickets: tickets.length, strays: result.strays }, 'flash-sale queue rebuilt in Redis from Postgres');
  }

  private transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.deps.prisma.$transaction(fn, { maxWait: this.deps.transactionWaitMs, timeout: 15_000 });
  }
}
