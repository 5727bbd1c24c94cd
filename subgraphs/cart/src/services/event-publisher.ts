/**
 * Publishing cart events for live sync. The event row is written in the change's transaction
 * (the outbox); after commit it is published on Redis and marked published. The relay
 * republishes anything a crash or a Redis outage left unpublished, so no committed change is
 * lost; subscribers drop duplicates by version. The message shape and channel are the cart's
 * contract with the gateways (`../contract/events.ts`).
 *
 * Marking is batched like a group commit: one mark statement runs at a time, and the events
 * published while it runs are marked together by the next. An idle publisher marks at once (the
 * relay's five seconds are never at stake); under a burst of writes, a transaction per write
 * becomes a few per burst. The mark happens after the answer either way.
 */
import type { Logger } from '@platform/logger';
import { channel, tryRedis, type Redis } from '@platform/redis';
import { CART_EVENTS_CHANNEL, type CartBusMessage, type CartClosedMessage, type CartEventMessage } from '../contract/events.ts';
import type { SqlExecutor } from '@platform/server';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { findUnpublished, markPublished, type CartEvent } from '../data/outbox.ts';

/** The bus message of one committed event. */
export const toMessage = (e: CartEvent): CartEventMessage => ({
  kind: 'event',
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

/** Events waiting for a mark statement, and the one that will take them (see the header). */
export class PublishMarks {
  private queued: CartEvent[] = [];
  private next: Promise<void> | undefined;
  private last: Promise<void> = Promise.resolve();

  /** `write` marks a batch and reports its own failures: a rejection here is dropped, so one failed batch cannot stall the next. */
  constructor(private readonly write: (events: CartEvent[]) => Promise<void>) {}

  /** Resolves once `events` are marked (or their batch failed); never rejects. */
  mark(events: readonly CartEvent[]): Promise<void> {
    this.queued.push(...events);
    this.next ??= this.last = this.last.then(() => {
      const batch = this.queued;
      this.queued = [];
      this.next = undefined;
      return this.write(batch).catch(() => undefined);
    });
    return this.next;
  }
}

export class EventPublisher {
  private readonly channel: string;
  private readonly marks: PublishMarks;

  constructor(
    private readonly deps: { prisma: PrismaClient; db: SqlExecutor; redis: Redis; keyPrefix: string; logger: Logger },
  ) {
    this.channel = channel(deps.keyPrefix, CART_EVENTS_CHANNEL);
    this.marks = new PublishMarks((events) =>
      markPublished(deps.db, events, new Date()).catch((error: unknown) => deps.logger.warn({ err: error, events: events.length }, 'could not mark events published; the relay will resend')),
    );
  }

  /** Publishes committed events and marks those sent as published; never throws (the relay resends the rest). */
  async publish(events: readonly CartEvent[]): Promise<void> {
    const sent: CartEvent[] = [];
    for (const event of events) if (await this.send(toMessage(event))) sent.push(event);
    if (sent.length) await this.marks.mark(sent);
  }

  /** Tells the devices of a cart that no longer exists (merged away) to stop listening; best effort. */
  closed(message: Omit<CartClosedMessage, 'kind'>): Promise<boolean> {
    return this.send({ kind: 'cart-closed', ...message });
  }

  /** Republishes events still unpublished `olderThanMs` after they committed; returns how many it found. */
  async relay(olderThanMs = 5_000, batch = 500): Promise<number> {
    const due = await findUnpublished(this.deps.prisma, new Date(Date.now() - olderThanMs), batch);
    if (due.length) await this.publish(due);
    return due.length;
  }

  private send(message: CartBusMessage): Promise<boolean> {
    return tryRedis(this.deps.redis, this.deps.logger, 'publish', async (r) => (await r.publish(this.channel, JSON.stringify(message)), true), false);
  }
}
