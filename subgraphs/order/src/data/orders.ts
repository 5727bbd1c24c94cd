/**
 * Order writes and per-request loaders. An order, its line snapshots, the link from its charge
 * and the checkout's progress are written in one transaction, so an order exists exactly when
 * its checkout says so.
 */
import DataLoader from 'dataloader';
import Decimal from 'decimal.js';
import type { Order, OrderLine, Payment, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { AddressValue, CartSnapshot, QuoteSnapshot } from './checkouts.ts';

export type { Order, OrderLine, Payment };

/** An order line as resolvers see it: the snapshot plus its order's currency. */
export type OrderLineView = OrderLine & { currencyCode: string };

/** Human-facing order number from the order's sequence number. */
export const orderNumber = (seq: number) => `ORD-${String(seq).padStart(8, '0')}`;

export interface NewOrder {
  checkoutId: string;
  userId: string;
  cart: CartSnapshot;
  quote: QuoteSnapshot;
  products: Record<string, { sku: string; name: string }>;
  address: AddressValue;
  chargeId: string;
}

/** Writes the order with its lines and links the charge to it; run inside the checkout's fenced transaction. */
export async function insertOrder(tx: Prisma.TransactionClient, order: NewOrder): Promise<Order> {
  const [next] = await tx.$queryRaw<{ seq: bigint }[]>`SELECT nextval(pg_get_serial_sequence('"orders"."Order"', 'seq')) AS seq`;
  const seq = Number(next!.seq);
  const created = await tx.order.create({
    data: {
      seq,
      number: orderNumber(seq),
      userId: order.userId,
      status: 'PAID',
      checkoutId: order.checkoutId,
      currencyCode: order.quote.currencyCode,
      subtotal: order.quote.subtotal,
      discountTotal: order.quote.discountTotal,
      shipping: order.quote.shipping,
      tax: order.quote.tax,
      total: order.quote.total,
      couponCodes: order.quote.couponCodes,
      shippingAddress: order.address as unknown as Prisma.InputJsonValue,
      lines: {
        create: order.cart.lines.map((line, position) => ({
          position,
          productId: line.productId,
          sku: order.products[line.productId]?.sku ?? '',
          name: order.products[line.productId]?.name ?? '',
          options: (line.options ?? undefined) as Prisma.InputJsonValue | undefined,
          quantity: line.quantity,
          unitPrice: line.unitPrice,
          lineTotal: new Decimal(line.unitPrice).times(line.quantity).toFixed(2),
        })),
      },
    },
  });
  await tx.payment.update({ where: { id: order.chargeId, checkoutId: order.checkoutId }, data: { orderId: created.id } });
  return created;
}

/** Loaders of one request: lines and the charge of many orders, one query each. */
export function createOrderLoaders(prisma: PrismaClient) {
  return {
    lines: new DataLoader<string, OrderLine[]>(async (orderIds) => {
      const rows = await prisma.orderLine.findMany({ where: { orderId: { in: [...orderIds] } }, orderBy: [{ orderId: 'asc' }, { position: 'asc' }] });
      const byOrder = new Map<string, OrderLine[]>();
      for (const row of rows) byOrder.set(row.orderId, [...(byOrder.get(row.orderId) ?? []), row]);
      return orderIds.map((id) => byOrder.get(id) ?? []);
    }),
    charge: new DataLoader<string, Payment | null>(async (orderIds) => {
      const rows = await prisma.payment.findMany({ where: { orderId: { in: [...orderIds] }, kind: 'CHARGE' } });
      const byOrder = new Map(rows.map((r) => [r.orderId!, r]));
      return orderIds.map((id) => byOrder.get(id) ?? null);
    }),
  };
}
export type OrderLoaders = ReturnType<typeof createOrderLoaders>;
