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

/**
 * Records a change in its transaction, in one statement: the cart's version goes up by one (its
 * expiry moves out) and the event is appended with that version. Returns the event.
 */
export async function recordChange(tx: Prisma.TransactionClient, cartId: string, owner: Owner, event: EventData, now: Date, expiresAt: Date): Promise<CartEvent> {
  const payload = event.payload === undefined || event.payload === null ? null : JSON.stringify(event.payload);
  const [row] = await tx.$queryRaw<(Omit<CartEvent, 'type'> & { type: CartEvent['type'] })[]>`
    WITH v AS (
      UPDATE cart."Cart" SET "version" = "version" + 1, "updatedAt" = ${now}, "expiresAt" = ${expiresAt} WHERE "id" = ${cartId}::uuid RETURNING "version"
    )
    INSERT INTO cart."CartEvent" ("cartId", "ownerType", "ownerId", "version", "type", "lineId", "productId", "quantity", "payload", "at")
    SELECT ${cartId}::uuid, ${owner.ownerType}::cart."CartOwnerType", ${owner.ownerId}, v."version", ${event.type}::cart."CartEventType",
      ${event.lineId ?? null}::uuid, ${event.productId ?? null}::uuid, ${event.quantity ?? null}::int, ${payload}::jsonb, ${now}
    FROM v
    RETURNING "id", "cartId", "ownerType"::text AS "ownerType", "ownerId", "version", "type"::text AS "type", "lineId", "productId", "quantity", "payload", "at", "publishedAt"`;
  if (!row) throw new Error(`cart ${cartId} vanished while locked`);
  return row as CartEvent;
}

/** Marks events published. */
export async function markPublished(prisma: PrismaClient, ids: readonly bigint[], at: Date): Promise<void> {
  await prisma.cartEvent.updateMany({ where: { id: { in: [...ids] } }, data: { publishedAt: at } });
}

/** Up to `limit` events committed before `before` and never published, oldest first. */
export function findUnpublished(prisma: PrismaClient, before: Date, limit: number): Promise<CartEvent[]> {
  return prisma.cartEvent.findMany({ where: { publishedAt: null, at: { lt: before } }, orderBy: { id: 'asc' }, take: limit });
}

/** A cart's events after `afterVersion`, in version order. */
export function findEvents(prisma: PrismaClient, cartId: string, afterVersion: number, limit: number): Promise<CartEvent[]> {
  return prisma.cartEvent.findMany({ where: { cartId, version: { gt: afterVersion } }, orderBy: { version: 'asc' }, take: limit });
}
