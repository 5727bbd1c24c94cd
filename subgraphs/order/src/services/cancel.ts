/**
 * Cancelling a PAID order: refund the charge, put the stock back on hand, give the coupon uses
 * back, then mark it CANCELLED. Every step is idempotent under the order's keys, so a cancel
 * that failed half-way is finished by calling it again; cancelling a cancelled order returns it.
 */
import { badUserInput, ErrorCode, forbidden, isUuid, publicError } from '@platform/errors';
import type { Checkout, Order, PrismaClient } from '../generated/prisma/client.ts';
import type { PlatformClients } from '../clients/platform.ts';
import { cancelRefundKey, checkoutKey } from './checkout/keys.ts';
import type { PaymentLedger } from './payments/ledger.ts';

export interface CancelDeps {
  prisma: PrismaClient;
  clients: PlatformClients;
  ledger: PaymentLedger;
  now: () => Date;
}

const notFound = () => publicError(ErrorCode.NOT_FOUND, 'There is no such order.', { field: 'id' });

/** Cancels one of the user's orders (see the module comment); FORBIDDEN for someone else's. */
export async function cancelOrder(deps: CancelDeps, userId: string, id: string): Promise<Order> {
  if (!isUuid(id)) throw notFound();
  const order = await deps.prisma.order.findUnique({ where: { id } });
  if (!order) throw notFound();
  if (order.userId !== userId) throw forbidden('That order belongs to someone else.');
  if (order.status === 'CANCELLED') return order;
  const checkout = await deps.prisma.checkout.findUniqueOrThrow({ where: { id: order.checkoutId } });
  // Until its checkout has consumed the stock, there is nothing to restock yet.
  if (checkout.status !== 'COMPLETED') throw badUserInput('This order is still being placed; try again in a moment.', { field: 'id' });
  return revertOrder(deps, order, checkout);
}

/** Refunds, restocks and un-redeems an order, then marks it CANCELLED (also used by checkout when stock vanished after the charge). */
export async function revertOrder(deps: CancelDeps, order: Order, checkout: Checkout): Promise<Order> {
  const key = checkoutKey(checkout);
  const charge = await deps.prisma.payment.findFirst({ where: { orderId: order.id, kind: 'CHARGE' } });
  if (charge) await deps.ledger.refund(charge, cancelRefundKey(order.id));
  const restock = await deps.clients.product.restock(key);
  if (!restock.ok) throw new Error(`order ${order.id}: its stock cannot be returned (reservations are ${restock.status})`);
  await deps.clients.pricing.reverseRedemptions(key);
  await deps.prisma.order.updateMany({ where: { id: order.id, status: 'PAID' }, data: { status: 'CANCELLED', cancelledAt: deps.now() } });
  return deps.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
}
