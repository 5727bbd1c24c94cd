/**
 * The cart event log, which is also the outbox: an event row is written in the transaction of
 * the change it records, so a committed change always has its event, and it is published after
 * commit (`publishedAt` says when).
 */
import type { CartEvent, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { SqlExecutor } from '@platform/server';
import type { Owner } from './carts.ts';

export type { CartEvent };

/** What a change records; the writer adds the cart, owner, version and time. */
export type EventData = Omit<Prisma.CartEventUncheckedCreateInput, 'cartId' | 'version' | 'ownerType' | 'ownerId' | 'at'>;

// A change is recorded (version, event and stream copy in one statement) by `recordChange` in stream-outbox.ts.

/**
 * Marks events published in one statement, whatever carts they belong to. The publisher's marks
 * run after the answer and are batched (see `PublishMarks`), so this is a background statement:
 * on Citus it prunes to the shards of the carts it names.
 */
export async function markPublished(db: SqlExecutor, events: readonly Pick<CartEvent, 'id' | 'cartId'>[], at: Date): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `/* shard:all live-sync publish marks, batched across carts off the request path */
     UPDATE cart."CartEvent" SET "publishedAt" = $1 WHERE "cartId" = ANY($2::uuid[]) AND "id" = ANY($3::bigint[])`,
    [at, [...new Set(events.map((e) => e.cartId))], events.map((e) => e.id.toString())],
  );
}

/** Up to `limit` events committed before `before` and never published, oldest first: the relay's sweep, across every cart. */
export async function findUnpublished(prisma: PrismaClient, before: Date, limit: number): Promise<CartEvent[]> {
  return prisma.$queryRawUnsafe<CartEvent[]>(
    `/* shard:all live-sync relay sweep */
     SELECT "id", "cartId"::text AS "cartId", "ownerType"::text AS "ownerType", "ownerId", "version", "type"::text AS "type", "lineId"::text AS "lineId",
            "productId"::text AS "productId", "quantity", "payload", "at", "publishedAt"
     FROM cart."CartEvent" WHERE "publishedAt" IS NULL AND "at" < $1 ORDER BY "id" LIMIT $2`,
    before,
    limit,
  );
}

/** A cart's events after `afterVersion`, in version order. */
export function findEvents(prisma: PrismaClient, cartId: string, afterVersion: number, limit: number): Promise<CartEvent[]> {
  return prisma.cartEvent.findMany({ where: { cartId, version: { gt: afterVersion } }, orderBy: { version: 'asc' }, take: limit });
}
