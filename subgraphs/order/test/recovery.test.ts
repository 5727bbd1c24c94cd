import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApplyCouponCodeDocument, CheckoutDocument } from '@platform/client';
import type { TestStack } from '@platform/e2e/support';
import { createProduct, expectType, sql, type FixtureProduct } from '@platform/testing';
import { SagaHalted, type SagaStep } from '@subgraph/order';
import { ADDRESS, cartOf, checkout, checkoutsOf, fillCart, moneyOf, startOrderStack, stockOf } from './helpers.ts';

const LEASE_MS = 2_000;
let stack: TestStack;
let product: FixtureProduct;
beforeAll(async () => {
  stack = await startOrderStack({ CHECKOUT_LEASE_MS: String(LEASE_MS) });
  product = await createProduct(stack, { name: 'Rattan chair', price: '80.00', stock: 100 });
});
afterEach(() => {
  delete stack.subgraphs.order.faults.afterStep;
});
afterAll(() => stack?.stop());

/** Kills `user`'s checkouts right after `step`, as if the process died there. */
function killAfter(step: SagaStep, user: string) {
  stack.subgraphs.order.faults.afterStep = (at, c) => {
    if (at === step && c.userId === user) throw new SagaHalted(at);
  };
}

const input = (user: string, expectedCartVersion: number, idempotencyKey = `crash-${user}`) => ({ idempotencyKey, expectedCartVersion, shippingAddress: ADDRESS, paymentToken: 'tok_ok' });
const later = (ms: number) => new Date(Date.now() + ms);

/** Starts a checkout that dies after `step`; the caller sees an internal error. */
async function crashedCheckout(user: string, step: SagaStep, quantity = 2) {
  const version = await fillCart(stack, user, [{ productId: product.id, quantity }]);
  killAfter(step, user);
  const crashed = await stack.request(CheckoutDocument, { input: input(user, version) }, { user });
  expect(crashed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  delete stack.subgraphs.order.faults.afterStep;
  return version;
}

describe('recovery sweep', () => {
  it('a checkout killed after reserving is compensated: stock released, nothing charged, cart intact; its key then starts over', async () => {
    const user = 'crash-after-reserve';
    const before = await stockOf(stack, product.id);
    const version = await crashedCheckout(user, 'reserve');
    expect(await stockOf(stack, product.id)).toEqual({ onHand: before.onHand, reserved: before.reserved + 2 });
    expect(await checkoutsOf(stack, user)).toEqual([expect.objectContaining({ status: 'RESERVED' })]);

    // Within its lease the checkout is left alone: its run may still be alive.
    expect(await stack.subgraphs.order.recoverCheckouts(new Date())).toMatchObject({ completed: 0, compensated: 0 });
    expect(await stack.subgraphs.order.recoverCheckouts(later(LEASE_MS + 1_000))).toEqual({ ran: true, completed: 0, compensated: 1, failed: 0 });

    expect(await stockOf(stack, product.id)).toEqual(before);
    expect(await moneyOf(stack, user)).toMatchObject({ orders: [], payments: [] });
    expect(await cartOf(stack, user)).toEqual({ version, lines: [{ productId: product.id, quantity: 2 }] });
    expect(await checkoutsOf(stack, user)).toEqual([expect.objectContaining({ status: 'FAILED', hasToken: false })]);

    // A sweep is idempotent: nothing is left to do.
    expect(await stack.subgraphs.order.recoverCheckouts(later(LEASE_MS + 2_000))).toMatchObject({ completed: 0, compensated: 0 });
    // The buyer retries with the same key: a new attempt places the order.
    const order = expectType((await stack.data(CheckoutDocument, { input: input(user, version) }, { user })).checkout, 'Order');
    expect(order.status).toBe('PAID');
    expect(await checkoutsOf(stack, user)).toEqual([expect.objectContaining({ status: 'COMPLETED', attempt: 2 })]);
    expect(await stockOf(stack, product.id)).toEqual({ onHand: before.onHand - 2, reserved: before.reserved });
  });

  it('a checkout killed after redeeming its coupon is compensated: the redemption is reversed', async () => {
    await stack.data('mutation { createCoupon(input: { code: "CRASH5", kind: FIXED, value: "5.00", maxRedemptions: 1 }) { code } }', {}, { user: 'admin', role: 'admin' });
    const user = 'crash-after-price';
    await fillCart(stack, user, [{ productId: product.id, quantity: 1 }]);
    const applied = expectType((await stack.data(ApplyCouponCodeDocument, { input: { code: 'CRASH5' } }, { user })).applyCouponCode, 'Cart');
    killAfter('price', user);
    const crashed = await stack.request(CheckoutDocument, { input: input(user, applied.version) }, { user });
    expect(crashed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    delete stack.subgraphs.order.faults.afterStep;
    const redemptions = () => sql<{ redemptions: number }>(stack.db.url, `SELECT redemptions FROM pricing."Coupon" WHERE code = 'CRASH5'`).then((r) => r[0]!.redemptions);
    expect(await redemptions()).toBe(1);

    expect(await stack.subgraphs.order.recoverCheckouts(later(LEASE_MS + 1_000))).toMatchObject({ compensated: 1 });
    expect(await redemptions()).toBe(0);
    expect((await moneyOf(stack, user)).payments).toEqual([]);
  });

  it('a checkout killed after the charge is completed: the order is written, stock consumed, cart emptied, charged once', async () => {
    const user = 'crash-after-charge';
    const before = await stockOf(stack, product.id);
    const version = await crashedCheckout(user, 'charge', 3);
    const halfway = await moneyOf(stack, user);
    expect(halfway.orders).toEqual([]);
    expect(halfway.standingCharges).toEqual([{ kind: 'CHARGE', status: 'SUCCEEDED', amount: expect.any(String) }]);

    expect(await stack.subgraphs.order.recoverCheckouts(later(LEASE_MS + 1_000))).toEqual({ ran: true, completed: 1, compensated: 0, failed: 0 });
    const after = await moneyOf(stack, user);
    expect(after.orders).toEqual([expect.objectContaining({ status: 'PAID', total: halfway.standingCharges[0]!.amount })]);
    expect(after.payments).toEqual([expect.objectContaining({ kind: 'CHARGE', status: 'SUCCEEDED' })]);
    expect(await stockOf(stack, product.id)).toEqual({ onHand: before.onHand - 3, reserved: before.reserved });
    expect((await cartOf(stack, user)).lines).toEqual([]);

    // The buyer's retry with the same key gets the order the sweep completed.
    const replay = expectType((await stack.data(CheckoutDocument, { input: input(user, version) }, { user })).checkout, 'Order');
    expect(replay.id).toBe(after.orders[0]!.id);
  });

  it('a checkout killed after writing the order is completed: stock consumed and cart emptied', async () => {
    const user = 'crash-after-order';
    const before = await stockOf(stack, product.id);
    await crashedCheckout(user, 'order', 1);
    expect((await moneyOf(stack, user)).orders).toHaveLength(1);
    expect(await stockOf(stack, product.id)).toEqual({ onHand: before.onHand, reserved: before.reserved + 1 });

    expect(await stack.subgraphs.order.recoverCheckouts(later(LEASE_MS + 1_000))).toMatchObject({ completed: 1 });
    expect(await stockOf(stack, product.id)).toEqual({ onHand: before.onHand - 1, reserved: before.reserved });
    expect((await cartOf(stack, user)).lines).toEqual([]);
    expect(await checkoutsOf(stack, user)).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);
  });

  it('a retry with the same key takes over a dead run once its lease lapses, and finishes it', async () => {
    const user = 'crash-then-retry';
    const version = await crashedCheckout(user, 'charge', 1);
    const started = Date.now();
    const order = expectType((await stack.data(CheckoutDocument, { input: input(user, version) }, { user })).checkout, 'Order');
    expect(Date.now() - started).toBeLessThan(LEASE_MS + 5_000);
    const money = await moneyOf(stack, user);
    expect(money.orders).toEqual([expect.objectContaining({ id: order.id, status: 'PAID' })]);
    expect(money.payments).toEqual([expect.objectContaining({ kind: 'CHARGE', status: 'SUCCEEDED' })]);
  });
});

describe('reservation expiry', () => {
  it('the product sweep releases the reservations of a dead checkout when they expire (injected clock)', async () => {
    const user = 'crash-and-expire';
    const before = await stockOf(stack, product.id);
    await crashedCheckout(user, 'reserve', 4);
    expect((await stockOf(stack, product.id)).reserved).toBe(before.reserved + 4);

    // Not yet expired: nothing released.
    expect((await stack.subgraphs.product.sweepReservations(later(60_000))).expired).toBe(0);
    // Every earlier checkout in this file was completed or compensated: this reservation is the only one left.
    expect(await stack.subgraphs.product.sweepReservations(later(11 * 60_000))).toEqual({ swept: true, expired: 1 });
    expect(await stockOf(stack, product.id)).toEqual(before);

    // The checkout itself is still compensated by the order sweep; releasing again changes nothing.
    expect(await stack.subgraphs.order.recoverCheckouts(later(11 * 60_000))).toMatchObject({ compensated: 1, failed: 0 });
    expect(await stockOf(stack, product.id)).toEqual(before);
  });

  it('a charged checkout whose reservation expired takes the stock again when it is completed', async () => {
    const user = 'charged-and-expired';
    const before = await stockOf(stack, product.id);
    await crashedCheckout(user, 'charge', 2);
    await stack.subgraphs.product.sweepReservations(later(11 * 60_000));
    expect(await stockOf(stack, product.id)).toEqual(before);

    expect(await stack.subgraphs.order.recoverCheckouts(later(11 * 60_000))).toMatchObject({ completed: 1 });
    expect(await stockOf(stack, product.id)).toEqual({ onHand: before.onHand - 2, reserved: before.reserved });
    expect((await moneyOf(stack, user)).orders).toEqual([expect.objectContaining({ status: 'PAID' })]);
  });
});
