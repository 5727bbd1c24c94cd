import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplyCouponCodeDocument, CancelOrderDocument, OrderDocument, OrdersDocument } from '@platform/client';
import type { TestStack } from '@platform/e2e/support';
import { createProduct, expectType, sql, type FixtureProduct } from '@platform/testing';
import { checkout, fillCart, moneyOf, startOrderStack, stockOf, unitsOrdered, type PlacedOrder } from './helpers.ts';

let stack: TestStack;
let product: FixtureProduct;
beforeAll(async () => {
  stack = await startOrderStack();
  product = await createProduct(stack, { name: 'Batik scarf', price: '15.00', stock: 40 });
});
afterAll(() => stack?.stop());

/** Places an order of `quantity` units for `user`. */
async function placeOrder(user: string, quantity = 1): Promise<PlacedOrder> {
  const version = await fillCart(stack, user, [{ productId: product.id, quantity }]);
  return expectType(await checkout(stack, user, { expectedCartVersion: version }), 'Order');
}

describe('order history', () => {
  it('orders are the caller’s, newest first, paged by cursor with a total count', async () => {
    const user = 'history-buyer';
    const placed: PlacedOrder[] = [];
    for (let i = 1; i <= 3; i++) placed.push(await placeOrder(user, i));
    await placeOrder('someone-else');

    const first = (await stack.data(OrdersDocument, { first: 2 }, { user })).orders;
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((e) => e.node.id)).toEqual([placed[2]!.id, placed[1]!.id]);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[1]!.cursor });
    const rest = (await stack.data(OrdersDocument, { first: 2, after: first.pageInfo.endCursor }, { user })).orders;
    expect(rest.edges.map((e) => e.node.id)).toEqual([placed[0]!.id]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('a user without orders has an empty page; a bad cursor is BAD_USER_INPUT', async () => {
    expect((await stack.data(OrdersDocument, {}, { user: 'window-shopper' })).orders).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
    const bad = await stack.request(OrdersDocument, { after: 'not-a-cursor' }, { user: 'window-shopper' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('guests have no orders: UNAUTHENTICATED', async () => {
    const result = await stack.request(OrdersDocument, {}, { guest: await stack.guestToken() });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('ownership', () => {
  it('one user cannot read or cancel another’s order: FORBIDDEN, and the order stands', async () => {
    const order = await placeOrder('owner-alice');
    const read = await stack.request(OrderDocument, { id: order.id }, { user: 'intruder-bob' });
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(read.data?.order ?? null).toBeNull();
    const cancel = await stack.request(CancelOrderDocument, { id: order.id }, { user: 'intruder-bob' });
    expect(cancel.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stack.data(OrderDocument, { id: order.id }, { user: 'owner-alice' })).order?.status).toBe('PAID');
  });

  it('an unknown order reads as null; cancelling it is NOT_FOUND', async () => {
    const id = '01939a7c-0000-7000-8000-000000000000';
    expect((await stack.data(OrderDocument, { id }, { user: 'owner-alice' })).order).toBeNull();
    const cancel = await stack.request(CancelOrderDocument, { id }, { user: 'owner-alice' });
    expect(cancel.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('cancelOrder', () => {
  it('refunds the charge, returns the stock and the coupon use, and marks the order CANCELLED; cancelling again changes nothing', async () => {
    await stack.data('mutation { createCoupon(input: { code: "ONCEONLY", kind: FIXED, value: "3.00", maxRedemptions: 1 }) { code } }', {}, { user: 'admin', role: 'admin' });
    const user = 'cancelling-buyer';
    const before = await stockOf(stack, product.id);
    await fillCart(stack, user, [{ productId: product.id, quantity: 2 }]);
    const withCoupon = expectType((await stack.data(ApplyCouponCodeDocument, { input: { code: 'ONCEONLY' } }, { user })).applyCouponCode, 'Cart');
    const order = expectType(await checkout(stack, user, { expectedCartVersion: withCoupon.version }), 'Order');
    expect(order.couponCodes).toEqual(['ONCEONLY']);
    expect(await stockOf(stack, product.id)).toEqual({ onHand: before.onHand - 2, reserved: before.reserved });
    const redemptions = () => sql<{ redemptions: number }>(stack.db.url, `SELECT redemptions FROM pricing."Coupon" WHERE code = 'ONCEONLY'`).then((r) => r[0]!.redemptions);
    expect(await redemptions()).toBe(1);

    const { cancelOrder: cancelled } = await stack.data(CancelOrderDocument, { id: order.id }, { user });
    expect(cancelled).toMatchObject({ id: order.id, status: 'CANCELLED', cancelledAt: expect.any(String), total: order.total, payment: { status: 'REFUNDED', amount: order.total } });
    expect(await stockOf(stack, product.id)).toEqual(before);
    // The only cancelled order in this file.
    expect(await unitsOrdered(stack, product.id, 'CANCELLED')).toBe(2);
    expect(await redemptions()).toBe(0);
    const money = await moneyOf(stack, user);
    expect(money.payments).toEqual([
      { kind: 'CHARGE', status: 'REFUNDED', amount: order.total.amount },
      { kind: 'REFUND', status: 'SUCCEEDED', amount: order.total.amount },
    ]);

    // Idempotent: the same order back, no second refund, no second restock.
    const { cancelOrder: again } = await stack.data(CancelOrderDocument, { id: order.id }, { user });
    expect(again).toEqual(cancelled);
    expect((await moneyOf(stack, user)).payments).toEqual(money.payments);
    expect(await stockOf(stack, product.id)).toEqual(before);

    // The coupon's single use is free again for someone else.
    const other = 'next-coupon-buyer';
    await fillCart(stack, other, [{ productId: product.id, quantity: 1 }]);
    const applied = expectType((await stack.data(ApplyCouponCodeDocument, { input: { code: 'ONCEONLY' } }, { user: other })).applyCouponCode, 'Cart');
    expect(expectType(await checkout(stack, other, { expectedCartVersion: applied.version }), 'Order').couponCodes).toEqual(['ONCEONLY']);
  });

  it('guests cannot cancel: UNAUTHENTICATED', async () => {
    const order = await placeOrder('guest-victim');
    const result = await stack.request(CancelOrderDocument, { id: order.id }, { guest: await stack.guestToken() });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
