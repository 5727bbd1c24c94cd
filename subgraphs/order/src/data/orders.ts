/**
 * Order writes and per-request loaders. An order, its line snapshots, the link from its charge
 * and the checkout's progress are written in one transaction, so an order exists exactly when
 * its checkout says so.
 */
import DataLoader from 'dataloader';
import Decimal from 'decimal.js';
import type { SqlExecutor } from '@platform/server';
import { Prisma, type Order, type OrderLine, type Payment, type PrismaClient } from '../generated/prisma/client.ts';
import type { AddressValue, CartSnapshot, QuoteSnapshot } from './checkouts.ts';
import { v7 as uuidv7 } from 'uuid';

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

/** An order row as Postgres returns it: amounts as text (pg's default for numeric), so none passes through a float. */
type OrderRow = Omit<Order, 'subtotal' | 'discountTotal' | 'shipping' | 'tax' | 'total'> & Record<'subtotal' | 'discountTotal' | 'shipping' | 'tax' | 'total', string>;

const ORDER_COLUMNS = `"id", "seq", "number", "userId", "status"::text AS "status", "checkoutId", "currencyCode", "subtotal", "discountTotal", "shipping", "tax", "total", "couponCodes", "shippingAddress", "createdAt", "cancelledAt"`;

/** The row as Prisma's `Order` (decimals built from the exact text). */
function toOrder(row: OrderRow): Order {
  return {
    ...row,
    subtotal: new Prisma.Decimal(row.subtotal),
    discountTotal: new Prisma.Decimal(row.discountTotal),
    shipping: new Prisma.Decimal(row.shipping),
    tax: new Prisma.Decimal(row.tax),
    total: new Prisma.Decimal(row.total),
  };
}

/** One order by id (what a checkout answers with), or null. */
export async function findOrderById(db: SqlExecutor, id: string): Promise<Order | null> {
  const [row] = await db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM "orders"."Order" WHERE "id" = $1::uuid`, [id]);
  return row ? toOrder(row) : null;
}

/**
 * Writes the order with its lines and links the charge to it; run inside the checkout's fenced
 * transaction. Three statements: the order (its number from the sequence value it takes), all
 * its lines at once, the charge's link.
 */
export async function insertOrder(tx: SqlExecutor, order: NewOrder): Promise<Order> {
  const { quote } = order;
  const [row] = await tx.query<OrderRow>(
    `WITH next AS (SELECT nextval(pg_get_serial_sequence('"orders"."Order"', 'seq')) AS seq)
     INSERT INTO "orders"."Order" ("id", "seq", "number", "userId", "status", "checkoutId", "currencyCode", "subtotal", "discountTotal", "shipping", "tax", "total", "couponCodes", "shippingAddress", "createdAt")
     SELECT $1::uuid, next.seq, 'ORD-' || CASE WHEN length(next.seq::text) >= 8 THEN next.seq::text ELSE lpad(next.seq::text, 8, '0') END, $2, 'PAID', $3::uuid, $4,
       $5::numeric, $6::numeric, $7::numeric, $8::numeric, $9::numeric, $10::text[], $11::jsonb, now()
     FROM next
     RETURNING ${ORDER_COLUMNS}`,
    [uuidv7(), order.userId, order.checkoutId, quote.currencyCode, quote.subtotal, quote.discountTotal, quote.shipping, quote.tax, quote.total, quote.couponCodes, JSON.stringify(order.address)],
  );
  const created = toOrder(row!);
  const lines = order.cart.lines;
  if (lines.length) {
    await tx.query(
      `INSERT INTO "orders"."OrderLine" ("id", "orderId", "position", "productId", "sku", "name", "options", "quantity", "unitPrice", "lineTotal")
       SELECT l.id, $1::uuid, l.position, l.product_id, l.sku, l.name, l.options, l.quantity, l.unit_price, l.line_total
       FROM unnest($2::uuid[], $3::int[], $4::uuid[], $5::text[], $6::text[], $7::jsonb[], $8::int[], $9::numeric[], $10::numeric[])
         AS l(id, position, product_id, sku, name, options, quantity, unit_price, line_total)`,
      [
        created.id,
        lines.map(() => uuidv7()),
        lines.map((_, position) => position),
        lines.map((l) => l.productId),
        lines.map((l) => order.products[l.productId]?.sku ?? ''),
        lines.map((l) => order.products[l.productId]?.name ?? ''),
        lines.map((l) => (l.options == null ? null : JSON.stringify(l.options))),
        lines.map((l) => l.quantity),
        lines.map((l) => l.unitPrice),
        lines.map((l) => new Decimal(l.unitPrice).times(l.quantity).toFixed(2)),
      ],
    );
  }
  const linked = await tx.query(`UPDATE "orders"."Payment" SET "orderId" = $1::uuid, "updatedAt" = now() WHERE "id" = $2::uuid AND "checkoutId" = $3::uuid RETURNING "id"`, [created.id, order.chargeId, order.checkoutId]);
  if (!linked.length) throw new Error(`charge ${order.chargeId} of checkout ${order.checkoutId} not found`);
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
