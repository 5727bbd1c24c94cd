/**
 * Publishing flash-sale ticket changes for live status (`Subscription.flashSaleTicket` at the
 * gateways). Sent after the change commits and best effort: they are hints that make gateways
 * re-read a ticket as its owner, so a lost one only delays an update until the next.
 */
import type { Logger } from '@platform/logger';
import { channel, setEach, tryRedis, type Redis } from '@platform/redis';
import { FLASH_SALE_EVENTS_CHANNEL, type FlashSaleBusMessage } from '../../contract/flash-sale-events.ts';

export type FlashSaleChange = { kind: 'ticket'; saleId: string; userId: string; status: string } | { kind: 'queue'; saleId: string } | { kind: 'closed'; saleId: string; status: 'SOLD_OUT' | 'ENDED' };

export class FlashSaleEvents {
  private readonly channel: string;

  constructor(private readonly deps: { redis: Redis; keyPrefix: string; logger: Logger }) {
    this.channel = channel(deps.keyPrefix, FLASH_SALE_EVENTS_CHANNEL);
  }

  /** Publishes committed changes, in order; never throws. */
  async publish(changes: readonly FlashSaleChange[], at: Date): Promise<void> {
    if (changes.length === 0) return;
    const messages: FlashSaleBusMessage[] = changes.map((change) => ({ ...change, at: at.toISOString() }));
    await tryRedis(
      this.deps.redis,
      this.deps.logger,
      'flash-publish',
      // One PUBLISH per message, sent together (auto-pipelining); in order on one connection.
      (redis) => setEach(redis, messages, (r, message) => r.publish(this.channel, JSON.stringify(message))),
      undefined,
    );
  }
}
