/**
 * Deleting what has expired: carts (with their lines, events and shares), guest sessions, share
 * links and idempotency records. These sweeps look across owners on purpose (off the request
 * path; on Citus, multi-shard statements), so they are SQL that says so with the `shard:all`
 * marker the shard guard reads (README "Distribution on Citus"); Prisma's own statements cannot
 * carry it.
 */
import { Prisma, type CartOwnerType, type PrismaClient } from '../generated/prisma/client.ts';
import type { Owner } from './carts.ts';

/** Deletes up to `limit` carts expired at `now` (in a transaction holding the sweep lock) and returns their owners. */
export async function deleteExpiredCarts(tx: Prisma.TransactionClient, now: Date, limit: number): Promise<(Owner & { id: string })[]> {
  const expired = await tx.$queryRaw<{ id: string; ownerType: CartOwnerType; ownerId: string }[]>`
    /* shard:all cart expiry sweep, off the request path */
    SELECT "id"::text AS "id", "ownerType"::text AS "ownerType", "ownerId" FROM "cart"."Cart"
    WHERE "expiresAt" <= ${now} ORDER BY "id" LIMIT ${limit}`;
  if (expired.length) {
    await tx.$executeRaw`
      /* shard:all cart expiry sweep, off the request path */
      DELETE FROM "cart"."Cart" WHERE "id" IN (${Prisma.join(expired.map((c) => Prisma.sql`${c.id}::uuid`))}) AND "expiresAt" <= ${now}`;
  }
  return expired;
}

/** Deletes guest sessions, share links and idempotency records expired at `now`; how many of each. */
export async function deleteExpiredRecords(prisma: PrismaClient, now: Date): Promise<{ guestSessions: number; shares: number; idempotencyRecords: number }> {
  const guestSessions = await prisma.$executeRaw`/* shard:all guest-session expiry sweep, off the request path */ DELETE FROM "cart"."GuestSession" WHERE "expiresAt" <= ${now}`;
  const shares = await prisma.$executeRaw`/* shard:all share-link expiry sweep, off the request path */ DELETE FROM "cart"."CartShare" WHERE "expiresAt" <= ${now}`;
  const idempotencyRecords = await prisma.$executeRaw`/* shard:all idempotency-record expiry sweep, off the request path */ DELETE FROM "cart"."IdempotencyRecord" WHERE "expiresAt" <= ${now}`;
  return { guestSessions, shares, idempotencyRecords };
}
