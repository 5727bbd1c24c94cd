/** The order subgraph's business events on the stream: `order.paid` and `order.cancelled`, checked against the event schema as they are written. */
import Decimal from 'decimal.js';
import { EVENT_DATA } from '@platform/events';
import type { Order } from '../generated/prisma/client.ts';
import type { StreamEventRow } from '../data/stream-outbox.ts';
import type { CartSnapshot } from '../data/checkouts.ts';

const money = (amount: { toString(): string }, currencyCode: string) => ({ amount: new Decimal(amount.toString()).toFixed(2), currencyCode });

/** `order.paid`: written with the order, in its transaction. A flash-sale order has no cart (`cartId` null). */
export function orderPaid(order: Order, cart: CartSnapshot, products: Record<string, { sku: string }>, at: Date): StreamEventRow<'order.paid'> {
  return {
    type: 'order.paid',
    key: order.id,
    occurredAt: at,
    data: EVENT_DATA['order.paid'].parse({
      orderId: order.id,
      number: order.number,
      userId: order.userId,
      checkoutId: order.checkoutId,
      cartId: cart.id === '' ? null : cart.id,
      total: money(order.total, order.currencyCode),
      couponCodes: order.couponCodes,
      lines: cart.lines.map((l) => ({ productId: l.productId, sku: products[l.productId]?.sku ?? '', quantity: l.quantity, unitPrice: money(l.unitPrice, l.currencyCode) })),
    }),
  };
}

/** `order.cancelled`: written with the status change, in its transaction. */
export function orderCancelled(order: Order, cancelledAt: Date): StreamEventRow<'order.cancelled'> {
  return {
    type: 'order.cancelled',
    key: order.id,
    occurredAt: cancelledAt,
    data: EVENT_DATA['order.cancelled'].parse({ orderId: order.id, number: order.number, userId: order.userId, total: money(order.total, order.currencyCode), cancelledAt: cancelledAt.toISOString() }),
  };
}
