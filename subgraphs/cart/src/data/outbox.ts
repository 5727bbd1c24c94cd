/**
 * The cart event log, which is also the outbox: an event row is written in the transaction of
 * the change it records, so a committed change always has its event, and it is published after
 * commit (`publishedAt` says when).
 */
import type { CartEvent, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { Owner } from './carts.ts';

export type { CartEvent };

/** What a change records; the writer adds the cart, owner, version and time. */
export type EventData = Omit<Prisma.CartEventUncheckedCreateInput, 'cartId' | 'version' | 'ownerType' | 'ownerId' | 'at'>;

// A change is recorded (version, event and stream copy in one statement) by `recordChange` in stream-outbox.ts.

/** Marks events published: one statement per cart, the events' shard key (after a change, that is one statement). */
export async function markPublished(prisma: PrismaClient, events: readonly Pick<CartEvent, 'id' | 'cartId'>[], at: Date): Promise<void> {
  const byCart = new Map<string, bigint[]>();
  for (const e of events) byCart.set(e.cartId, [...(byCart.get(e.cartId) ?? []), e.id]);
  for (const [cartId, ids] of byCart) await prisma.cartEvent.updateMany({ where: { cartId, id: { in: ids } }, data: { publishedAt: at } });
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
