/**
 * Publishing cart events. The event row is written in the change's transaction (the outbox);
 * after commit it is published on Redis for live sync and marked published. The relay
 * republishes anything a crash or a Redis outage left unpublished, so no committed change is
 * lost; subscribers drop duplicates by version.
 */
import type { Logger } from '@platform/logger';
import { channel, tryRedis, type Redis } from '@platform/redis';
import type { CartEvent, PrismaClient } from '../generated/prisma/client.ts';

export const CART_EVENTS_CHANNEL = 'cart-events';

/** What goes on the wire: enough for a gateway to find the owner's devices and order updates. */
export interface CartEventMessage {
  cartId: string;
  ownerType: string;
  ownerId: string;
  version: number;
  type: string;
  at: string;
  lineId: string | null;
  productId: string | null;
  quantity: number | null;
  payload: unknown;
}

export const toMessage = (e: CartEvent): CartEventMessage => ({
  cartId: e.cartId,
  ownerType: e.ownerType,
  ownerId: e.ownerId,
  version: e.version,
  type: e.type,
  at: e.at.toISOString(),
  lineId: e.lineId,
  productId: e.productId,
  quantity: e.quantity,
  payload: e.payload ?? null,
});

export interface EventPublisher {
  /** Publishes committed events and marks them published; never throws. */
  publish(events: CartEvent[]): Promise<void>;
  /** Publishes a message that is not a cart event (e.g. a guest cart merged away). */
  publishRaw(message: Record<string, unknown>): Promise<boolean>;
  /** Republishes events still unpublished after `olderThanMs`; returns how many. */
  relay(olderThanMs?: number, batch?: number): Promise<number>;
}

export function createEventPublisher(prisma: PrismaClient, redis: Redis, keyPrefix: string, logger: Logger): EventPublisher {
  const name = channel(keyPrefix, CART_EVENTS_CHANNEL);
  const send = (message: unknown) => tryRedis(redis, logger, 'publish', async (r) => (await r.publish(name, JSON.stringify(message)), true), false);
  const publish = async (events: CartEvent[]) => {
    const sent: bigint[] = [];
    for (const event of events) if (await send(toMessage(event))) sent.push(event.id);
    if (sent.length) await prisma.cartEvent.updateMany({ where: { id: { in: sent } }, data: { publishedAt: new Date() } }).catch((error: unknown) => logger.warn({ err: error }, 'could not mark events published; the relay will resend'));
  };
  return {
    publish,
    publishRaw: send,
    async relay(olderThanMs = 5_000, batch = 500) {
      const due = await prisma.cartEvent.findMany({
        where: { publishedAt: null, at: { lt: new Date(Date.now() - olderThanMs) } },
        orderBy: { id: 'asc' },
        take: batch,
      });
      if (due.length) await publish(due);
      return due.length;
    },
  };
}
