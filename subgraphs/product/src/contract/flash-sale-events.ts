/**
 * What the product subgraph publishes on Redis when flash-sale tickets change, and on which
 * channel: one definition for the publisher (`../services/flash-sales/events.ts`) and every
 * gateway that serves `Subscription.flashSaleTicket`. The messages say *that* something changed,
 * never a purchase token: each gateway re-reads the ticket as its owner. They are hints, sent
 * after commit and best effort; a subscriber that misses one catches up on the next.
 */
import { z } from '@platform/config';

/** The channel (under the deployment's `REDIS_KEY_PREFIX`). */
export const FLASH_SALE_EVENTS_CHANNEL = 'flash-sale-events';

const text = z.string().min(1);

/** One ticket's status changed (joined, admitted, purchased, expired). */
export const flashTicketChangedMessage = z.object({ kind: z.literal('ticket'), saleId: text, userId: text, status: text, at: text });

/** Admissions moved the queue: every waiting ticket of the sale may have a new position. */
export const flashQueueMovedMessage = z.object({ kind: z.literal('queue'), saleId: text, at: text });

/** The sale sold out or ended: every waiting ticket changed status at once. */
export const flashSaleClosedMessage = z.object({ kind: z.literal('closed'), saleId: text, status: z.enum(['SOLD_OUT', 'ENDED']), at: text });

export const flashSaleBusMessage = z.discriminatedUnion('kind', [flashTicketChangedMessage, flashQueueMovedMessage, flashSaleClosedMessage]);
export type FlashSaleBusMessage = z.infer<typeof flashSaleBusMessage>;

/** Parses one Redis message; `undefined` when it is not JSON or not a shape defined here. */
export function parseFlashSaleBusMessage(raw: string): FlashSaleBusMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = flashSaleBusMessage.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
