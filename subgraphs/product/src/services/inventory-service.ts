/**
 * Inventory rules: stock reservations for checkout (reserve all or nothing, consume, release,
 * restock after a cancellation), the sweep of expired reservations, and the admin's stock count.
 * Every operation is one Postgres transaction, idempotent per checkout key, writes one audit row
 * per stock change, and drops the changed products' cached availability after it commits.
 */
import { badUserInput } from '@platform/errors';
import { notFound } from './errors.ts';
import type { PrismaClient, ReservationStatus, StockMovementReason } from '../generated/prisma/client.ts';
import type { KeyOutcome, ReserveOutcome, StockLine } from '../contract/index.ts';
import type { RequestContext } from '../request-context.ts';
import type { TagStore } from '@platform/redis';
import type { Sql } from '@platform/server';
import type { CatalogCache } from '../cache/catalog-cache.ts';
import { stockChanged } from '../cache/stock-changes.ts';
import {
  activateReservations,
  applyStockChanges,
  ensureInventory,
  findExpiredKeys,
  lockCheckoutKey,
  lockExpiredReservations,
  lockInventory,
  lockReservationsOf,
  markKeyReleased,
  pruneReleasedKeys,
  setReservationStatus,
  wasKeyReleased,
  tryLockCheckoutKeys,
  tryLockSweep,
  type ReservationRow,
  type AnyTx,
  type Tx,
} from '../data/inventory.ts';

export type ReservationLine = StockLine;

export interface SweepResult {
  /** False when another replica held the sweep lock, so this one did nothing. */
  swept: boolean;
  /** Reservations moved to EXPIRED. */
  expired: number;
}

/** A checkout key reused for different lines, or reserved again after its stock was returned. */
export class CheckoutKeyConflict extends Error {
  readonly code = 'CHECKOUT_KEY_REUSED';
}

interface Transition {
  from: ReservationStatus;
  to: ReservationStatus;
  reason: StockMovementReason;
  delta(quantity: number): { onHandDelta: number; reservedDelta: number };
  /** Final statuses in which the caller's request counts as done. */
  done: readonly (ReservationStatus | 'NOT_FOUND')[];
}

const CONSUME: Transition = { from: 'ACTIVE', to: 'CONSUMED', reason: 'CONSUME', delta: (q) => ({ onHandDelta: -q, reservedDelta: -q }), done: ['CONSUMED', 'RETURNED'] };
// Releasing what is not held (unknown key, expired, already released) is a successful no-op.
const RELEASE: Transition = { from: 'ACTIVE', to: 'RELEASED', reason: 'RELEASE', delta: (q) => ({ onHandDelta: 0, reservedDelta: -q }), done: ['RELEASED', 'EXPIRED', 'NOT_FOUND'] };
/** How long a key released before it held anything refuses a late reserve (far beyond any request's timeout). */
const RELEASE_MARK_TTL_MS = 24 * 60 * 60 * 1000;
// A key whose stock never left (released or expired) has nothing to put back.
const RESTOCK: Transition = { from: 'CONSUMED', to: 'RETURNED', reason: 'RESTOCK', delta: (q) => ({ onHandDelta: q, reservedDelta: 0 }), done: ['RETURNED', 'RELEASED', 'EXPIRED'] };
const EXPIRE = { reason: 'EXPIRE' as const, delta: (q: number) => ({ onHandDelta: 0, reservedDelta: -q }) };

export interface InventoryDeps {
  prisma: PrismaClient;
  /** Plain SQL on the same pool: the checkout's reserve / consume / release / restock run on it. */
  pg: Sql;
  cache: CatalogCache;
  tags: TagStore;
  reservationTtlSeconds: number;
  sweepBatchSize: number;
  /** How long a transaction may wait for a pooled connection. */
  transactionWaitMs: number;
}

const linesOf = (rows: readonly ReservationRow[]): ReservationLine[] => rows.map((r) => ({ productId: r.productId, quantity: r.quantity }));

/** Sums quantities per product (a cart may hold one product in several option variants) and sorts by product id. */
export function mergeLines(lines: readonly ReservationLine[]): ReservationLine[] {
  const byProduct = new Map<string, number>();
  for (const { productId, quantity } of lines) byProduct.set(productId, (byProduct.get(productId) ?? 0) + quantity);
  return [...byProduct].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([productId, quantity]) => ({ productId, quantity }));
}

const sameLines = (a: readonly ReservationLine[], b: readonly ReservationLine[]) =>
  a.length === b.length && a.every((line, i) => line.productId === b[i]!.productId && line.quantity === b[i]!.quantity);

export class InventoryService {
  constructor(private readonly deps: InventoryDeps) {}

  private transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.deps.prisma.$transaction(fn, { maxWait: this.deps.transactionWaitMs, timeout: 15_000 });
  }

  /**
   * The same on plain SQL, for the checkout's hot path (about a fifth of Prisma's CPU per
   * statement). A connection is waited for as long as the pool's acquire timeout, as Prisma's
   * `maxWait` above; nothing outside the database is awaited inside it.
   */
  private sqlTransaction<T>(fn: (tx: AnyTx) => Promise<T>): Promise<T> {
    return this.deps.pg.transaction(fn);
  }

  /** Drops the changed products' cached availability and bumps their cache tags, before anyone is answered. */
  private async afterCommit(productIds: readonly string[]): Promise<void> {
    await stockChanged(this.deps, productIds);
  }

  /**
   * Reserves every line for a checkout, or nothing: the outcome lists every short line. Locks
   * the inventory rows in product-id order. A repeat for the same key returns the first
   * outcome without reserving twice; a key whose reservation was released or expired reserves
   * again (a retried checkout). A key released before it held anything refuses: that reserve
   * was in flight when its checkout gave up, and nobody would release what it held. A shortage
   * writes nothing, so a retry re-checks stock.
   */
  async reserve(ctx: RequestContext, input: { checkoutKey: string; lines: readonly ReservationLine[]; ttlSeconds?: number | undefined }): Promise<ReserveOutcome> {
    const { checkoutKey } = input;
    const ttlSeconds = input.ttlSeconds ?? this.deps.reservationTtlSeconds;
    const lines = mergeLines(input.lines);
    const outcome = await this.sqlTransaction(async (tx): Promise<ReserveOutcome & { changed?: boolean }> => {
      await lockCheckoutKey(tx, checkoutKey);
      const existing = await lockReservationsOf(tx, checkoutKey);
      if (existing.length) {
        if (!sameLines(linesOf(existing), lines)) throw new CheckoutKeyConflict(`checkout key ${checkoutKey} was used for other lines`);
        const { status, expiresAt } = existing[0]!;
        if (status === 'ACTIVE' || status === 'CONSUMED') return { ok: true, status, expiresAt: expiresAt.toISOString(), lines };
        if (status === 'RETURNED') throw new CheckoutKeyConflict(`checkout key ${checkoutKey} was consumed and returned`);
      } else if (await wasKeyReleased(tx, checkoutKey)) {
        throw new CheckoutKeyConflict(`checkout key ${checkoutKey} was released before it held anything`);
      }
      const levels = await lockInventory(tx, lines.map((l) => l.productId));
      const shortages = lines.flatMap(({ productId, quantity }) => {
        const level = levels.get(productId);
        const available = level ? Math.max(0, level.onHand - level.reserved) : 0;
        return available < quantity ? [{ productId, requested: quantity, available }] : [];
      });
      if (shortages.length) return { ok: false, shortages };
      const expiresAt = new Date(ctx.clock().getTime() + ttlSeconds * 1000);
      await activateReservations(tx, checkoutKey, lines, expiresAt);
      await applyStockChanges(tx, levels, lines.map(({ productId, quantity }) => ({ productId, onHandDelta: 0, reservedDelta: quantity, reason: 'RESERVE', reference: checkoutKey })));
      return { ok: true, status: 'ACTIVE', expiresAt: expiresAt.toISOString(), lines, changed: true };
    });
    if (outcome.changed) await this.afterCommit(lines.map((l) => l.productId));
    const { changed: _changed, ...result } = outcome;
    return result;
  }

  /** Turns a checkout's active reservations into a sale: on hand and reserved both drop. Idempotent. */
  consume(_ctx: RequestContext, input: { checkoutKey: string }): Promise<KeyOutcome> {
    return this.transition(input.checkoutKey, CONSUME);
  }

  /** Gives a checkout's held stock back (a failed or abandoned checkout). Idempotent; a no-op for an unknown key. */
  release(_ctx: RequestContext, input: { checkoutKey: string }): Promise<KeyOutcome> {
    return this.transition(input.checkoutKey, RELEASE);
  }

  /** Puts a cancelled order's consumed stock back on hand. Idempotent. */
  restock(_ctx: RequestContext, input: { checkoutKey: string }): Promise<KeyOutcome> {
    return this.transition(input.checkoutKey, RESTOCK);
  }

  private async transition(checkoutKey: string, transition: Transition): Promise<KeyOutcome> {
    const result = await this.sqlTransaction(async (tx) => {
      await lockCheckoutKey(tx, checkoutKey);
      const rows = await lockReservationsOf(tx, checkoutKey);
      if (rows.length === 0) {
        if (transition === RELEASE) await markKeyReleased(tx, checkoutKey);
        return { status: 'NOT_FOUND' as const, rows, changed: false };
      }
      // Every operation moves all of a key's reservations together, so they share one status.
      if (rows[0]!.status !== transition.from) return { status: rows[0]!.status, rows, changed: false };
      const levels = await lockInventory(tx, rows.map((r) => r.productId));
      await setReservationStatus(tx, rows.map((r) => r.id), transition.to);
      await applyStockChanges(tx, levels, rows.map((r) => ({ productId: r.productId, ...transition.delta(r.quantity), reason: transition.reason, reference: checkoutKey })));
      return { status: transition.to, rows, changed: true };
    });
    if (result.changed) await this.afterCommit(result.rows.map((r) => r.productId));
    return { ok: transition.done.includes(result.status), status: result.status, lines: linesOf(result.rows) };
  }

  /**
   * Expires active reservations whose time has passed at `now`, in batches of checkout keys,
   * each batch one transaction. Only one replica sweeps at a time (a transaction-scoped advisory
   * lock); keys that a checkout is working on right now are skipped and picked up next time.
   * It also forgets release marks older than a day.
   */
  async sweepExpired(ctx: RequestContext): Promise<SweepResult> {
    const now = ctx.clock();
    let expired = 0;
    for (let first = true; ; first = false) {
      const batch = await this.transaction(async (tx) => {
        if (!(await tryLockSweep(tx))) return undefined;
        if (first) await pruneReleasedKeys(tx, new Date(now.getTime() - RELEASE_MARK_TTL_MS));
        const candidates = await findExpiredKeys(tx, now, this.deps.sweepBatchSize);
        const keys = await tryLockCheckoutKeys(tx, candidates);
        const rows = keys.length ? await lockExpiredReservations(tx, keys, now) : [];
        if (rows.length) {
          const levels = await lockInventory(tx, rows.map((r) => r.productId));
          await setReservationStatus(tx, rows.map((r) => r.id), 'EXPIRED');
          await applyStockChanges(tx, levels, rows.map((r) => ({ productId: r.productId, ...EXPIRE.delta(r.quantity), reason: EXPIRE.reason, reference: r.checkoutKey })));
        }
        return { candidates: candidates.length, locked: keys.length, rows };
      });
      if (!batch) return { swept: expired > 0, expired };
      if (batch.rows.length) await this.afterCommit(batch.rows.map((r) => r.productId));
      expired += batch.rows.length;
      // Stop when the backlog is done, or when every candidate is busy in a checkout right now.
      if (batch.candidates < this.deps.sweepBatchSize || batch.locked === 0) return { swept: true, expired };
    }
  }

  /**
   * Sets a product's on-hand count (an admin's stock take). It may not go below zero or below
   * what is reserved for checkouts in progress.
   */
  async setStock(_ctx: RequestContext, input: { productId: string; onHand: number; reference: string }): Promise<void> {
    const { productId, onHand, reference } = input;
    if (!Number.isInteger(onHand) || onHand < 0) throw badUserInput('`onHand` must be zero or more.', { field: 'onHand' });
    const changed = await this.transaction(async (tx) => {
      const exists = await tx.product.findUnique({ where: { id: productId }, select: { id: true } });
      if (!exists) throw notFound('productId');
      await ensureInventory(tx, productId);
      const levels = await lockInventory(tx, [productId]);
      const level = levels.get(productId)!;
      if (onHand < level.reserved) {
        throw badUserInput(`\`onHand\` may not be below the ${level.reserved} units reserved for checkouts in progress.`, { field: 'onHand' });
      }
      const onHandDelta = onHand - level.onHand;
      await applyStockChanges(tx, levels, [{ productId, onHandDelta, reservedDelta: 0, reason: 'SET_STOCK', reference }]);
      return onHandDelta !== 0;
    });
    if (changed) await this.afterCommit([productId]);
  }
}
