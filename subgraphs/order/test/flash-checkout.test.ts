/**
 * checkoutFlashSale end to end through the gateway: a purchase token buys at the sale price
 * through the checkout saga (idempotent, charged once), a declined payment gives the units to
 * the next shopper, and every way a token can be wrong is refused with nothing charged.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CancelOrderDocument, CheckoutFlashSaleDocument, FlashSaleStatsDocument, type CheckoutFlashSaleMutation, type FlashSaleCheckoutInput } from '@platform/client';
import type { TestStack } from '@platform/e2e/support';
import { createProduct, expectType, sql, type FixtureProduct } from '@platform/testing';
import { ADMIN, TestClock, createSale, endOpenSales, joinAll, poolOf, saleTimes, startFlashStack, stockOf, ticketOf } from '../../product/test/flash-helpers.ts';
import { ADDRESS, checkout, fillCart, moneyOf } from './helpers.ts';

const clock = new TestClock(new Date('2027-04-01T08:00:00.000Z'));
let stack: TestStack;

beforeAll(async () => {
  stack = await startFlashStack(clock);
});
afterAll(() => stack?.stop());
afterEach(() => endOpenSales(stack));

type FlashResult = CheckoutFlashSaleMutation['checkoutFlashSale'];
let keys = 0;

/** Buys as `user`; a fresh idempotency key, the test address and tok_ok unless given. */
async function buy(user: string, input: Partial<FlashSaleCheckoutInput> & { saleId: string; purchaseToken: string }): Promise<FlashResult> {
  const body = { quantity: 1, idempotencyKey: `flash-${user}-${++keys}`, shippingAddress: ADDRESS, paymentToken: 'tok_ok', ...input };
  return (await stack.data(CheckoutFlashSaleDocument, { input: body }, { user })).checkoutFlashSale;
}

/** A live sale of `allocation` units at 9.90 with `shoppers` admitted in this order; their tokens. */
async function liveSale(options: { allocation: number; shoppers: string[]; perBuyerLimit?: number; stock?: number }): Promise<{ saleId: string; product: FixtureProduct; tokens: Map<string, string> }> {
  const product = await createProduct(stack, { stock: options.stock ?? options.allocation + 5, price: '25.00' });
  const saleId = await createSale(stack, { productId: product.id, price: '9.90', allocation: options.allocation, perBuyerLimit: options.perBuyerLimit ?? 1, admissionsPerSecond: 100, ...saleTimes(clock.now(), 1_000) });
  await joinAll(stack, saleId, options.shoppers, 1);
  clock.advance(1_000);
  await stack.subgraphs.product.runFlashSaleJobs();
  const tokens = new Map<string, string>();
  for (const user of options.shoppers) {
    const ticket = await ticketOf(stack, saleId, user);
    if (ticket?.purchaseToken) tokens.set(user, ticket.purchaseToken);
  }
  return { saleId, product, tokens };
}

describe('buying with a purchase token', () => {
  it('places the order at the sale price with shipping and tax, sells the unit from the pool and marks the ticket PURCHASED', async () => {
    const { saleId, product, tokens } = await liveSale({ allocation: 2, shoppers: ['buyer-a'] });
    const order = expectType(await buy('buyer-a', { saleId, purchaseToken: tokens.get('buyer-a')! }), 'Order');
    expect(order.lines.map((l) => [l.product.id, l.quantity, l.unitPrice.amount, l.lineTotal.amount])).toEqual([[product.id, 1, '9.90', '9.90']]);
    expect(order.subtotal.amount).toBe('9.90');
    expect(order.couponCodes).toEqual([]);
    expect(order.payment).toMatchObject({ status: 'SUCCEEDED', amount: order.total });
    expect(await poolOf(stack, saleId)).toEqual({ allocation: 2, available: 1, held: 0, sold: 1, returned: 0 });
    expect((await ticketOf(stack, saleId, 'buyer-a'))?.status).toBe('PURCHASED');
    // Regular stock is untouched by the sale's purchase.
    expect(await stockOf(stack, product.id)).toEqual({ onHand: 5, reserved: 0 });
    // Partners hear of it like any order: `order.paid` at the sale price, with no cart behind it.
    const [paid] = await sql<{ data: { cartId: string | null; lines: { productId: string; unitPrice: { amount: string } }[] } }>(stack.db.url, `SELECT data FROM orders."OutboxEvent" WHERE type = 'order.paid' AND key = $1`, [order.id]);
    expect(paid?.data).toMatchObject({ cartId: null, lines: [{ productId: product.id, unitPrice: { amount: '9.90' } }] });
  });

  it('replays the first result for a repeated idempotency key and charges once', async () => {
    const { saleId, tokens } = await liveSale({ allocation: 1, shoppers: ['buyer-b'] });
    const input = { saleId, purchaseToken: tokens.get('buyer-b')!, idempotencyKey: 'flash-replay-1' };
    const [first, second] = await Promise.all([buy('buyer-b', input), buy('buyer-b', input)]);
    const again = await buy('buyer-b', input);
    expect([first, second, again].map((r) => expectType(r, 'Order').id)).toEqual(Array(3).fill(expectType(first, 'Order').id));
    const money = await moneyOf(stack, 'buyer-b');
    expect(money.standingCharges).toHaveLength(1);
    expect(money.orders).toHaveLength(1);
    expect((await poolOf(stack, saleId)).sold).toBe(1);
    // The same key with another input is refused.
    expectType(await buy('buyer-b', { ...input, quantity: 2 }), 'IdempotencyKeyReused');
  });

  it('refuses a reused, foreign, expired or made-up token with PurchaseTokenInvalid and charges nothing', async () => {
    const { saleId, tokens } = await liveSale({ allocation: 3, shoppers: ['owner-c', 'owner-d', 'owner-e'] });
    expectType(await buy('owner-c', { saleId, purchaseToken: tokens.get('owner-c')! }), 'Order');
    // Reused: the token already bought.
    expectType(await buy('owner-c', { saleId, purchaseToken: tokens.get('owner-c')! }), 'PurchaseTokenInvalid');
    // Foreign: someone else's admitted token.
    expectType(await buy('thief', { saleId, purchaseToken: tokens.get('owner-d')! }), 'PurchaseTokenInvalid');
    // Made up, and altered.
    expectType(await buy('owner-d', { saleId, purchaseToken: 'ft1.not-a-token' }), 'PurchaseTokenInvalid');
    expectType(await buy('owner-d', { saleId, purchaseToken: `${tokens.get('owner-d')!.slice(0, -2)}xx` }), 'PurchaseTokenInvalid');
    // The owner of the token the thief tried still buys with it.
    expectType(await buy('owner-d', { saleId, purchaseToken: tokens.get('owner-d')! }), 'Order');
    // Expired: its two minutes are up; refused even before the job has swept it, then swept.
    clock.advance(120_000);
    expectType(await buy('owner-e', { saleId, purchaseToken: tokens.get('owner-e')! }), 'PurchaseTokenInvalid');
    expect((await ticketOf(stack, saleId, 'owner-e'))?.status).toBe('EXPIRED');
    await stack.subgraphs.product.runFlashSaleJobs();
    expect((await moneyOf(stack, 'thief')).payments).toEqual([]);
    expect((await moneyOf(stack, 'owner-e')).payments).toEqual([]);
    expect(await poolOf(stack, saleId)).toMatchObject({ sold: 2, held: 0, available: 1 });
  });

  it('refuses more than the per-buyer limit with LimitExceeded and keeps the units held for the buyer', async () => {
    const { saleId, tokens } = await liveSale({ allocation: 10, perBuyerLimit: 3, shoppers: ['limit-f'] });
    const refused = expectType(await buy('limit-f', { saleId, purchaseToken: tokens.get('limit-f')!, quantity: 4 }), 'LimitExceeded');
    expect(refused.limit).toBe(3);
    expect((await ticketOf(stack, saleId, 'limit-f'))?.status).toBe('ADMITTED');
    const order = expectType(await buy('limit-f', { saleId, purchaseToken: tokens.get('limit-f')!, quantity: 2 }), 'Order');
    expect(order.lines.map((l) => l.quantity)).toEqual([2]);
    // The unit the buyer did not take went back to the pool.
    expect(await poolOf(stack, saleId)).toMatchObject({ sold: 2, held: 0, available: 8 });
  });

  it('gives a declined payment’s units to the next shopper, spends the token and charges nothing', async () => {
    const { saleId, tokens } = await liveSale({ allocation: 1, shoppers: ['declined-g', 'next-h'] });
    expect([...tokens.keys()]).toEqual(['declined-g']);
    expectType(await buy('declined-g', { saleId, purchaseToken: tokens.get('declined-g')!, paymentToken: 'tok_declined' }), 'PaymentDeclined');
    expect(await poolOf(stack, saleId)).toMatchObject({ available: 1, held: 0, sold: 0 });
    expect((await ticketOf(stack, saleId, 'declined-g'))?.status).toBe('EXPIRED');
    expectType(await buy('declined-g', { saleId, purchaseToken: tokens.get('declined-g')! }), 'PurchaseTokenInvalid');
    expect((await moneyOf(stack, 'declined-g')).standingCharges).toEqual([]);
    clock.advance(1_000);
    await stack.subgraphs.product.runFlashSaleJobs();
    const next = await ticketOf(stack, saleId, 'next-h');
    expect(next?.status).toBe('ADMITTED');
    expectType(await buy('next-h', { saleId, purchaseToken: next!.purchaseToken! }), 'Order');
  });

  it('keeps the token when the payment provider is unavailable, so a retry with a new key can buy', async () => {
    const { saleId, tokens } = await liveSale({ allocation: 1, shoppers: ['retry-i'] });
    expectType(await buy('retry-i', { saleId, purchaseToken: tokens.get('retry-i')!, paymentToken: 'tok_unavailable' }), 'PaymentUnavailable');
    expect(await poolOf(stack, saleId)).toMatchObject({ available: 0, held: 1, sold: 0 });
    expect((await ticketOf(stack, saleId, 'retry-i'))?.status).toBe('ADMITTED');
    expectType(await buy('retry-i', { saleId, purchaseToken: tokens.get('retry-i')! }), 'Order');
  });

  it('answers FlashSaleEnded once the sale is over', async () => {
    const { saleId, tokens } = await liveSale({ allocation: 1, shoppers: ['late-j'] });
    await stack.data('mutation ($id: ID!) { endFlashSale(id: $id) { id } }', { id: saleId }, ADMIN);
    expectType(await buy('late-j', { saleId, purchaseToken: tokens.get('late-j')! }), 'FlashSaleEnded');
    expect((await moneyOf(stack, 'late-j')).payments).toEqual([]);
  });

  it('refuses guests (UNAUTHENTICATED) and a malformed quantity or sale id (BAD_USER_INPUT naming the field)', async () => {
    const input = { saleId: '0190a0f0-0000-7000-8000-000000000000', purchaseToken: 'ft1.x.y', quantity: 1, idempotencyKey: 'k', shippingAddress: ADDRESS, paymentToken: 'tok_ok' };
    const guest = await stack.request(CheckoutFlashSaleDocument, { input }, { guest: await stack.guestToken() });
    expect(guest.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    for (const [change, field] of [
      [{ quantity: 0 }, 'quantity'],
      [{ quantity: 1000 }, 'quantity'],
      [{ saleId: 'nope' }, 'saleId'],
      [{ purchaseToken: '' }, 'purchaseToken'],
    ] as const) {
      const refused = await stack.request(CheckoutFlashSaleDocument, { input: { ...input, ...change } }, { user: 'malformed' });
      expect([refused.errors?.map((e) => e.extensions?.code), refused.errors?.[0]?.extensions?.field]).toEqual([['BAD_USER_INPUT'], field]);
    }
  });

  it('returns a cancelled flash-sale order’s unit to the pool while the sale runs, where the next shopper is admitted to it', async () => {
    const { saleId, tokens } = await liveSale({ allocation: 2, shoppers: ['cancel-k', 'other-x', 'after-l'] });
    const order = expectType(await buy('cancel-k', { saleId, purchaseToken: tokens.get('cancel-k')! }), 'Order');
    const cancelled = (await stack.data(CancelOrderDocument, { id: order.id }, { user: 'cancel-k' })).cancelOrder;
    expect(cancelled.status).toBe('CANCELLED');
    expect(await poolOf(stack, saleId)).toMatchObject({ available: 1, held: 1, sold: 0 });
    expect((await moneyOf(stack, 'cancel-k')).standingCharges).toEqual([]);
    clock.advance(1_000);
    await stack.subgraphs.product.runFlashSaleJobs();
    expect((await ticketOf(stack, saleId, 'after-l'))?.status).toBe('ADMITTED');
  });

  it('returns a cancelled order’s unit to sellable stock once the sale sold out (its waiting shoppers were already told)', async () => {
    const { saleId, product, tokens } = await liveSale({ allocation: 1, shoppers: ['sold-p', 'missed-q'] });
    const order = expectType(await buy('sold-p', { saleId, purchaseToken: tokens.get('sold-p')! }), 'Order');
    expect((await ticketOf(stack, saleId, 'missed-q'))?.status).toBe('SOLD_OUT');
    await stack.data(CancelOrderDocument, { id: order.id }, { user: 'sold-p' });
    expect(await poolOf(stack, saleId)).toEqual({ allocation: 1, available: 0, held: 0, sold: 0, returned: 1 });
    expect(await stockOf(stack, product.id)).toEqual({ onHand: 6, reserved: 0 });
  });
});

describe('the pool and regular stock', () => {
  it('never lets a regular checkout of the product touch the sale’s pool', async () => {
    const { saleId, product } = await liveSale({ allocation: 5, shoppers: [], stock: 7 });
    expect(await stockOf(stack, product.id)).toEqual({ onHand: 2, reserved: 0 });
    // Carts see only the 2 sellable units, not the 5 in the pool.
    const tooMany = (await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 3 } }, { user: 'regular-m' })).addCartLine;
    expect(expectType(tooMany, 'InsufficientStock').availableQuantity).toBe(2);
    // Two carts pass the soft check; the first takes both units, the second finds none although the pool holds 5.
    const late = await fillCart(stack, 'regular-o', [{ productId: product.id, quantity: 1 }]);
    const first = await fillCart(stack, 'regular-n', [{ productId: product.id, quantity: 2 }]);
    expectType(await checkout(stack, 'regular-n', { expectedCartVersion: first }), 'Order');
    const short = expectType(await checkout(stack, 'regular-o', { expectedCartVersion: late }), 'OutOfStock');
    expect(short.lines).toEqual([{ productId: product.id, requested: 1, available: 0 }]);
    expect(await stockOf(stack, product.id)).toEqual({ onHand: 0, reserved: 0 });
    expect(await poolOf(stack, saleId)).toEqual({ allocation: 5, available: 5, held: 0, sold: 0, returned: 0 });
    expect((await stack.data(FlashSaleStatsDocument, { id: saleId }, ADMIN)).flashSale?.remaining).toBe(5);
  });
});
