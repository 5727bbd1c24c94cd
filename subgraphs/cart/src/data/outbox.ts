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
