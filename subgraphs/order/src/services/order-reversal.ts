/** Reverting a placed order: refund its charge, put its stock back on hand, give its coupon uses back, then mark it CANCELLED. */
import type { TagStore } from '@platform/redis';
import { ordersChanged } from '../cache/tags.ts';
import type { Sql, WriteRecorder } from '@platform/server';
import type { Checkout, Order, PrismaClient } from '../generated/prisma/client.ts';
import type { PlatformClients } from '../clients/index.ts';
import type { RequestContext } from '../request-context.ts';
import { goodsOf } from './checkout/goods/index.ts';
import { cancelRefundKey, checkoutKey } from './checkout/keys.ts';
import type { PaymentLedger } from './payments/ledger.ts';
import { insertStreamEvents } from '../data/stream-outbox.ts';
import { orderCancelled } from './order-events.ts';

export interface ReversalDeps {
  prisma: PrismaClient;
  pg: Sql;
  clients: PlatformClients;
  ledger: PaymentLedger;
  tags: TagStore;
  reads?: WriteRecorder | undefined;
}

/** Refunds, restocks (cart stock or the flash-sale pool) and un-redeems an order, then marks it CANCELLED; idempotent (also used by checkout when its goods vanished after the charge). */
export async function revertOrder(deps: ReversalDeps, ctx: RequestContext, order: Order, checkout: Checkout): Promise<Order> {
  const key = checkoutKey(checkout);
  const charge = await deps.prisma.payment.findFirst({ where: { orderId: order.id, kind: 'CHARGE' } });
  if (charge) await deps.ledger.refund(charge, cancelRefundKey(order.id));
  await goodsOf(checkout).restock(deps.clients, checkout);
  await deps.clients.pricing.reverseRedemptions({ checkoutKey: key });
  const cancelledAt = ctx.clock();
  await deps.pg.transaction(async (tx) => {
    const cancelled = await tx.query(`UPDATE "orders"."Order" SET "status" = 'CANCELLED', "cancelledAt" = $3 WHERE "id" = $1::uuid AND "userId" = $2 AND "status" = 'PAID' RETURNING "id"`, [order.id, order.userId, cancelledAt]);
    // Only the call that actually cancelled records the event (a repeated cancel changes nothing).
    if (cancelled.length === 1) await insertStreamEvents(tx, [orderCancelled(order, cancelledAt)]);
  });
  await ordersChanged(deps, order.userId);
  return deps.prisma.order.findFirstOrThrow({ where: { id: order.id, userId: order.userId } });
}
