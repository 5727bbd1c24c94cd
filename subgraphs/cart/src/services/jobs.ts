/**
 * The cart's scheduled work: delete expired carts (users 30 days, guests 7, configurable) and
 * expired guest sessions, share links and idempotency records in batches; relay unpublished
 * events. Sweeps run one replica at a time and are idempotent; tests pass their own clock.
 */
import { LOCKS, runExclusive } from '@platform/server';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { CartCache } from '../cache/cart-cache.ts';

export const SWEEP_BATCH = 500;

export interface SweepReport {
  carts: number;
  guestSessions: number;
  shares: number;
  idempotencyRecords: number;
}

/** Deletes everything expired at `now`; returns how many rows of each kind went, or null when another replica is sweeping. */
export async function sweepExpired(prisma: PrismaClient, cache: CartCache, now: Date): Promise<SweepReport | null> {
  const report: SweepReport = { carts: 0, guestSessions: 0, shares: 0, idempotencyRecords: 0 };
  // Batches keep each transaction short; the lock is re-taken per batch.
  for (;;) {
    const outcome = await runExclusive(prisma, LOCKS.cartExpirySweep, async (tx) => {
      const expired = await tx.cart.findMany({ where: { expiresAt: { lte: now } }, select: { id: true, ownerType: true, ownerId: true }, take: SWEEP_BATCH });
      if (expired.length) await tx.cart.deleteMany({ where: { id: { in: expired.map((c) => c.id) }, expiresAt: { lte: now } } });
      return expired;
    });
    if (!outcome.ran) return report.carts ? report : null;
    for (const owner of outcome.result) await cache.invalidate(owner);
    report.carts += outcome.result.length;
    if (outcome.result.length < SWEEP_BATCH) break;
  }
  const sessions = await prisma.guestSession.deleteMany({ where: { expiresAt: { lte: now } } });
  const shares = await prisma.cartShare.deleteMany({ where: { expiresAt: { lte: now } } });
  const records = await prisma.idempotencyRecord.deleteMany({ where: { expiresAt: { lte: now } } });
  return { ...report, guestSessions: sessions.count, shares: shares.count, idempotencyRecords: records.count };
}
