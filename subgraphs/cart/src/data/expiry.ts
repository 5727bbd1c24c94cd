/** Deleting what has expired: carts (with their lines, events and shares), guest sessions, share links and idempotency records. */
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { Owner } from './carts.ts';

/** Deletes up to `limit` carts expired at `now` (in a transaction holding the sweep lock) and returns their owners. */
export async function deleteExpiredCarts(tx: Prisma.TransactionClient, now: Date, limit: number): Promise<(Owner & { id: string })[]> {
  const expired = await tx.cart.findMany({ where: { expiresAt: { lte: now } }, select: { id: true, ownerType: true, ownerId: true }, take: limit });
  if (expired.length) await tx.cart.deleteMany({ where: { id: { in: expired.map((c) => c.id) }, expiresAt: { lte: now } } });
  return expired;
}

/** Deletes guest sessions, share links and idempotency records expired at `now`; how many of each. */
export async function deleteExpiredRecords(prisma: PrismaClient, now: Date): Promise<{ guestSessions: number; shares: number; idempotencyRecords: number }> {
  const sessions = await prisma.guestSession.deleteMany({ where: { expiresAt: { lte: now } } });
  const shares = await prisma.cartShare.deleteMany({ where: { expiresAt: { lte: now } } });
  const records = await prisma.idempotencyRecord.deleteMany({ where: { expiresAt: { lte: now } } });
  return { guestSessions: sessions.count, shares: shares.count, idempotencyRecords: records.count };
}
