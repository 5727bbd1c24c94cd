/**
 * What a committed cart change says on the event stream: the business event of each CartEvent
 * row (the live-sync log), in the shape of `@platform/events`. The cart writer appends it to the
 * stream outbox in the change's own transaction.
 */
import { EVENT_DATA, type EventType } from '@platform/events';
import type { CartEvent, CartEventType } from '../generated/prisma/client.ts';
import type { StreamEventRow } from '../data/stream-outbox.ts';

const TYPES: Record<CartEventType, EventType> = {
  LINE_ADDED: 'cart.line_added',
  LINE_UPDATED: 'cart.line_updated',
  LINE_REMOVED: 'cart.line_removed',
  CLEARED: 'cart.cleared',
  SAVED_FOR_LATER: 'cart.line_saved_for_later',
  MOVED_TO_CART: 'cart.line_moved_to_cart',
  COUPON_APPLIED: 'cart.coupon_applied',
  COUPON_REMOVED: 'cart.coupon_removed',
  SHIPPING_COUNTRY_SET: 'cart.shipping_country_set',
  MERGED: 'cart.merged',
  CHECKED_OUT: 'cart.checked_out',
};

const payloadOf = (e: Pick<CartEvent, 'payload'>) => (e.payload ?? {}) as Record<string, unknown>;

/** The stream event of one cart event row; validated here, so a bug fails the write instead of reaching partners. */
export function cartStreamEvent(e: Omit<CartEvent, 'id' | 'publishedAt'>): StreamEventRow {
  const type = TYPES[e.type];
  const base = { cartId: e.cartId, cartVersion: e.version, ownerType: e.ownerType, ownerId: e.ownerId };
  const line = { lineId: e.lineId, productId: e.productId };
  const payload = payloadOf(e);
  const data: Record<CartEventType, object> = {
    LINE_ADDED: { ...base, ...line, quantity: e.quantity },
    LINE_UPDATED: { ...base, ...line, quantity: e.quantity },
    LINE_REMOVED: { ...base, ...line },
    SAVED_FOR_LATER: { ...base, ...line, quantity: e.quantity },
    MOVED_TO_CART: { ...base, ...line, quantity: e.quantity },
    CLEARED: base,
    COUPON_APPLIED: { ...base, code: payload.code },
    COUPON_REMOVED: { ...base, code: payload.code },
    SHIPPING_COUNTRY_SET: { ...base, country: payload.country },
    MERGED: {
      ...base,
      outcomes: ((payload.outcomes ?? []) as { productId: string; outcome: string; quantity: number }[]).map(({ productId, outcome, quantity }) => ({ productId, outcome, quantity })),
    },
    CHECKED_OUT: { ...base, checkoutId: payload.checkoutId },
  };
  return { type, key: e.cartId, data: EVENT_DATA[type].parse(data[e.type]), occurredAt: e.at } as StreamEventRow;
}
