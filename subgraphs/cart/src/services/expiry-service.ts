/**
 * The cart's scheduled clean-up: delete expired carts (users 30 days, guests 7, configurable)
 * and expired guest sessions, share links and idempotency records, in batches. Sweeps run one
 * replica at a time and are idempotent; tests pass their own clock.
 */
import { LOCKS, runExclusive } from '@platform/server';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { TagStore } from '@platform/redis';
import type { CartCache } from '../cache/cart-cache.ts';
import { cartTag } from '../cache/tags.ts';
import { deleteExpiredCarts, deleteExpiredRecords } from '../data/expiry.ts';
import type { RequestContext } from '../request-context.ts';

export const SWEEP_BATCH = 500;

export interface SweepReport {
  carts: number;
  guestSessions: number;
  shares: number;
  idempotencyRecords: number;
}

export class ExpiryService {
  constructor(private readonly deps: { prisma: PrismaClient; cache: CartCache; tags: TagStore }) {}

  /** Deletes everything expired at the context's clock; how many rows of each kind went, or null when another replica is sweeping. */
  async sweep(ctx: RequestContext): Promise<SweepReport | null> {
    const now = ctx.clock();
    let carts = 0;
    // Batches keep each transaction short; the lock is re-taken per batch.
    for (;;) {
      const outcome = await runExclusive(this.deps.prisma, LOCKS.cartExpirySweep, (tx) => deleteExpiredCarts(tx, now, SWEEP_BATCH));
      if (!outcome.ran) {
        if (!carts) return null;
        break;
      }
      for (const owner of outcome.result) await this.deps.cache.invalidate(owner);
      await this.deps.tags.bump(outcome.result.map(cartTag));
      carts += outcome.result.length;
      if (outcome.result.length < SWEEP_BATCH) break;
    }
    return { carts, ...(await deleteExpiredRecords(this.deps.prisma, now)) };
  }
}
