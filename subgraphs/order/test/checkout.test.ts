import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplyCouponCodeDocument, CartEventsDocument, CheckoutDocument, OrderDocument } from '@platform/client';
import type { TestStack } from '@platform/e2e/support';
import { createProduct, expectEachType, expectType, setPrice, setStock, sql, type FixtureProduct } from '@platform/testing';
import { ADDRESS, cartOf, checkout, checkoutsOf, fillCart, moneyOf, startOrderStack, stockOf } from './helpers.ts';

let stack: TestStack;
let mug: FixtureProduct;
let tee: FixtureProduct;
beforeAll(async () => {
  stack = await startOrderStack();
  [mug, tee] = await Promise.all([createProduct(stack, { name: 'Kopi mug', price: '12.50', stock: 50 }), createProduct(stack, { name: 'Merlion tee', price: '20.00', stock: 50 })]);
});
afterAll(() => stack?.stop());

describe('checkout', () => {
  it('turns the cart into a PAID order at the captured prices, consumes the stock and empties the cart', async () => {
    const user = 'buyer-happy';
    const version = await fillCart(stack, user, [
      { productId: mug.id, quantity: 2 },
      { productId: tee.id, quantity: 1 },
    ]);
    const before = await Promise.all([stockOf(stack, mug.id), stockOf(stack, tee.id)]);
    const order = expectType(await checkout(stack, user, { expectedCartVersion: version }), 'Order');

    expect(order).toMatchObject({
      status: 'PAID',
      number: expect.stringMatching(/^ORD-\d{8}$/),
      subtotal: { amount: '45.00', currencyCode: 'SGD' },
      discountTotal: { amount: '0.00' },
      // SG: 4.99 shipping under 60.00, 9 % tax on the discounted subtotal plus shipping.
      shipping: { amount: '4.99' },
      shippingAddress: ADDRESS,
      couponCodes: [],
      cancelledAt: null,
    });
    expect(order.lines).toEqual([
      expect.objectContaining({ product: { id: mug.id, name: 'Kopi mug' }, name: 'Kopi mug', sku: mug.sku, quantity: 2, unitPrice: { amount: '12.50', currencyCode: 'SGD' }, lineTotal: { amount: '25.00', currencyCode: 'SGD' } }),
      expect.objectContaining({ product: { id: tee.id, name: 'Merlion tee' }, name: 'Merlion tee', quantity: 1, lineTotal: { amount: '20.00', currencyCode: 'SGD' } }),
    ]);
    const total = Number(order.subtotal.amount) - Number(order.discountTotal.amount) + Number(order.shipping.amount) + Number(order.tax.amount);
    expect(order.total.amount).toBe(total.toFixed(2));
    expect(order.payment).toMatchObject({ status: 'SUCCEEDED', transactionId: expect.stringMatching(/^ch_test_/), amount: order.total });

    expect(await stockOf(stack, mug.id)).toEqual({ onHand: before[0].onHand - 2, reserved: 0 });
    expect(await stockOf(stack, tee.id)).toEqual({ onHand: before[1].onHand - 1, reserved: 0 });
    const cart = await cartOf(stack, user);
    expect(cart.lines).toEqual([]);
    const { cartEvents } = await stack.data(CartEventsDocument, { afterVersion: version }, { user });
    expect(cartEvents.map((e) => e.type)).toEqual(['CHECKED_OUT']);
    const money = await moneyOf(stack, user);
    expect(money.standingCharges).toEqual([{ kind: 'CHARGE', status: 'SUCCEEDED', amount: order.total.amount }]);
    // The payment token is kept only while the saga runs.
    expect(await checkoutsOf(stack, user)).toEqual([expect.objectContaining({ status: 'COMPLETED', hasToken: false })]);

    const { order: read } = await stack.data(OrderDocument, { id: order.id }, { user });
    const { __typename: _, ...fields } = order;
    expect(read).toEqual(fields);
  });

  it('the order keeps its snapshot when the catalog changes afterwards; product resolves to the current catalog', async () => {
    const lamp = await createProduct(stack, { name: 'Lantern lamp', price: '30.00', stock: 5 });
    const user = 'buyer-snapshot';
    const version = await fillCart(stack, user, [{ productId: lamp.id, quantity: 1 }]);
    const order = expectType(await checkout(stack, user, { expectedCartVersion: version }), 'Order');
    await setPrice(stack, lamp.id, '99.00');
    await stack.data('mutation ($input: ProductInput!) { upsertProduct(input: $input) { id } }', { input: { id: lamp.id, sku: lamp.sku, name: 'Lantern lamp v2' } }, { user: 'order-admin', role: 'admin' });
    const { order: read } = await stack.data(OrderDocument, { id: order.id }, { user });
    expect(read?.lines[0]).toMatchObject({ name: 'Lantern lamp', unitPrice: { amount: '30.00' }, product: { id: lamp.id, name: 'Lantern lamp v2' } });
    expect(read?.total).toEqual(order.total);
  });

  it('charges the price captured in the cart, not a later catalog price', async () => {
    const kettle = await createProduct(stack, { name: 'Kettle', price: '25.00', stock: 5 });
    const user = 'buyer-captured-price';
    const version = await fillCart(stack, user, [{ productId: kettle.id, quantity: 1 }]);
    await setPrice(stack, kettle.id, '40.00');
    const order = expectType(await checkout(stack, user, { expectedCartVersion: version }), 'Order');
    expect(order.lines[0]?.unitPrice.amount).toBe('25.00');
    expect(order.subtotal.amount).toBe('25.00');
  });

  it('OutOfStock lists every short line and reserves nothing, not even the lines in stock', async () => {
    const [scarce, rare, plenty] = await Promise.all([
      createProduct(stack, { name: 'Scarce', stock: 3 }),
      createProduct(stack, { name: 'Rare', stock: 1 }),
      createProduct(stack, { name: 'Plenty', stock: 100 }),
    ]);
    const user = 'buyer-greedy';
    const version = await fillCart(stack, user, [
      { productId: scarce.id, quantity: 3 },
      { productId: rare.id, quantity: 1 },
      { productId: plenty.id, quantity: 5 },
    ]);
    // Someone else takes stock after the cart was filled (the cart only checks softly).
    await setStock(stack, scarce.id, 2);
    await setStock(stack, rare.id, 0);
    const result = expectType(await checkout(stack, user, { expectedCartVersion: version }), 'OutOfStock');
    expect([...result.lines].sort((a, b) => a.requested - b.requested)).toEqual(
      [
        { productId: rare.id, requested: 1, available: 0 },
        { productId: scarce.id, requested: 3, available: 2 },
      ],
    );
    expect(await stockOf(stack, plenty.id)).toEqual({ onHand: 100, reserved: 0 });
    expect((await cartOf(stack, user)).lines).toEqual([
      { productId: scarce.id, quantity: 3 },
      { productId: rare.id, quantity: 1 },
      { productId: plenty.id, quantity: 5 },
    ]);
  });

  it('redeems the coupons that discount the order', async () => {
    const admin = { user: 'order-admin', role: 'admin' } as const;
    await stack.data('mutation { createCoupon(input: { code: "ORDER10", kind: PERCENT, value: "10" }) { code } }', {}, admin);
    const user = 'buyer-coupon';
    await fillCart(stack, user, [{ productId: tee.id, quantity: 2 }]);
    const applied = expectType((await stack.data(ApplyCouponCodeDocument, { input: { code: 'ORDER10' } }, { user })).applyCouponCode, 'Cart');
    const order = expectType(await checkout(stack, user, { expectedCartVersion: applied.version }), 'Order');
    expect(order).toMatchObject({ couponCodes: ['ORDER10'], subtotal: { amount: '40.00' }, discountTotal: { amount: '4.00' } });
    const [coupon] = await sql<{ redemptions: number }>(stack.db.url, `SELECT redemptions FROM pricing."Coupon" WHERE code = 'ORDER10'`);
    expect(coupon!.redemptions).toBe(1);
  });

  it('an empty cart is EmptyCart and nothing is written', async () => {
    expect(await checkout(stack, 'buyer-without-cart', { expectedCartVersion: 0 })).toMatchObject({ __typename: 'EmptyCart', code: 'EMPTY_CART' });
    expect((await moneyOf(stack, 'buyer-without-cart')).payments).toEqual([]);
  });

  it('a cart that changed since the buyer saw it is CartVersionMismatch with the current version', async () => {
    const user = 'buyer-stale';
    const version = await fillCart(stack, user, [{ productId: mug.id, quantity: 1 }]);
    const before = await stockOf(stack, mug.id);
    expect(await checkout(stack, user, { expectedCartVersion: version - 1 })).toMatchObject({ __typename: 'CartVersionMismatch', code: 'CART_VERSION_MISMATCH', currentVersion: version });
    expect(await stockOf(stack, mug.id)).toEqual(before);
    expect(await cartOf(stack, user)).toMatchObject({ version, lines: [{ productId: mug.id, quantity: 1 }] });
  });

  it.each([
    ['a missing name', { name: '  ' }, 'name'],
    ['a street line over 200 characters', { line1: 'x'.repeat(201) }, 'line1'],
    ['a malformed postal code', { postalCode: '04#616' }, 'postalCode'],
    ['a country that is not a code', { country: 'Singapore' }, 'country'],
    ['a country the store does not ship to', { country: 'US' }, 'country'],
  ])('an address with %s is InvalidAddress naming the field, and nothing is reserved', async (_, change, field) => {
    const user = `buyer-address-${field}-${Object.keys(change)[0]}`;
    const version = await fillCart(stack, user, [{ productId: mug.id, quantity: 1 }]);
    const before = await stockOf(stack, mug.id);
    expect(await checkout(stack, user, { expectedCartVersion: version, shippingAddress: { ...ADDRESS, ...change } })).toMatchObject({ __typename: 'InvalidAddress', code: 'INVALID_ADDRESS', field });
    expect(await stockOf(stack, mug.id)).toEqual(before);
  });

  it('ships to another country the store knows, with its rates', async () => {
    const user = 'buyer-malaysia';
    const version = await fillCart(stack, user, [{ productId: tee.id, quantity: 1 }]);
    const order = expectType(await checkout(stack, user, { expectedCartVersion: version, shippingAddress: { ...ADDRESS, city: 'Kuala Lumpur', postalCode: '50088', country: 'my' } }), 'Order');
    expect(order.shippingAddress.country).toBe('MY');
  });

  it('asks each service only what it must: the cart twice, product twice (the hold names the products), pricing once (the country is remembered)', async () => {
    /** Internal calls each subgraph has served so far (its /metrics). */
    const served = async () =>
      Object.fromEntries(
        await Promise.all(
          (['cart', 'product', 'pricing'] as const).map(async (name) => {
            const text = await (await fetch(new URL('/metrics', stack.subgraphs[name].url))).text();
            const calls = [...text.matchAll(/^http_request_duration_seconds_count\{[^}]*route="\/internal"[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
            return [name, calls] as const;
          }),
        ),
      );
    const first = await fillCart(stack, 'buyer-calls-1', [{ productId: mug.id, quantity: 1 }]);
    expectType(await checkout(stack, 'buyer-calls-1', { expectedCartVersion: first }), 'Order');
    const version = await fillCart(stack, 'buyer-calls-2', [
      { productId: mug.id, quantity: 1 },
      { productId: tee.id, quantity: 2 },
    ]);
    const before = await served();
    const order = expectType(await checkout(stack, 'buyer-calls-2', { expectedCartVersion: version }), 'Order');
    const after = await served();
    // cart: capture, markCheckedOut; product: reserve (answering sku and name), consume; pricing: quote.
    expect({ cart: after.cart! - before.cart!, product: after.product! - before.product!, pricing: after.pricing! - before.pricing! }).toEqual({ cart: 2, product: 2, pricing: 1 });
    expect(order.lines.map((l) => [l.name, l.sku])).toEqual([
      ['Kopi mug', mug.sku],
      ['Merlion tee', tee.sku],
    ]);
  });

  it('guests and anonymous callers get UNAUTHENTICATED', async () => {
    const input = { idempotencyKey: 'guest-key', expectedCartVersion: 0, shippingAddress: ADDRESS, paymentToken: 'tok_ok' };
    const guest = await stack.request(CheckoutDocument, { input }, { guest: await stack.guestToken() });
    expect(guest.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const anonymous = await stack.request(CheckoutDocument, { input });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a malformed idempotency key is BAD_USER_INPUT', async () => {
    const result = await stack.request(CheckoutDocument, { input: { idempotencyKey: 'x'.repeat(129), expectedCartVersion: 1, shippingAddress: ADDRESS, paymentToken: 'tok_ok' } }, { user: 'buyer-bad-key' });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
  });
});

describe('payments', () => {
  it('a declined payment creates no order, charges nothing, releases the stock and leaves the cart unchanged', async () => {
    const user = 'buyer-declined';
    const version = await fillCart(stack, user, [{ productId: mug.id, quantity: 3 }]);
    const before = await stockOf(stack, mug.id);
    const result = await checkout(stack, user, { expectedCartVersion: version, paymentToken: 'tok_declined' });
    expect(result).toMatchObject({ __typename: 'PaymentDeclined', code: 'PAYMENT_DECLINED' });
    const money = await moneyOf(stack, user);
    expect(money.orders).toEqual([]);
    expect(money.standingCharges).toEqual([]);
    expect(await stockOf(stack, mug.id)).toEqual(before);
    expect(await cartOf(stack, user)).toEqual({ version, lines: [{ productId: mug.id, quantity: 3 }] });
  });

  it('an unavailable provider is PaymentUnavailable with nothing charged; a retry with a new key succeeds', async () => {
    const user = 'buyer-unavailable';
    const version = await fillCart(stack, user, [{ productId: tee.id, quantity: 2 }]);
    const before = await stockOf(stack, tee.id);
    const result = await checkout(stack, user, { expectedCartVersion: version, paymentToken: 'tok_unavailable', idempotencyKey: 'first-try' });
    expect(result).toMatchObject({ __typename: 'PaymentUnavailable', code: 'PAYMENT_UNAVAILABLE' });
    expect((await moneyOf(stack, user)).orders).toEqual([]);
    expect((await moneyOf(stack, user)).standingCharges).toEqual([]);
    expect(await stockOf(stack, tee.id)).toEqual(before);
    expect(await cartOf(stack, user)).toEqual({ version, lines: [{ productId: tee.id, quantity: 2 }] });

    // The same key replays its outcome; a new key is a new attempt.
    expect(await checkout(stack, user, { expectedCartVersion: version, paymentToken: 'tok_unavailable', idempotencyKey: 'first-try' })).toMatchObject({ __typename: 'PaymentUnavailable' });
    const order = expectType(await checkout(stack, user, { expectedCartVersion: version, idempotencyKey: 'second-try' }), 'Order');
    expect(order.status).toBe('PAID');
    expect((await moneyOf(stack, user)).standingCharges).toEqual([{ kind: 'CHARGE', status: 'SUCCEEDED', amount: order.total.amount }]);
  });
});

describe('idempotent checkout', () => {
  it('the same key and input returns the same order; another input with the key is IdempotencyKeyReused', async () => {
    const user = 'buyer-replay';
    const version = await fillCart(stack, user, [{ productId: mug.id, quantity: 1 }]);
    const first = expectType(await checkout(stack, user, { expectedCartVersion: version, idempotencyKey: 'replay-1' }), 'Order');
    const again = expectType(await checkout(stack, user, { expectedCartVersion: version, idempotencyKey: 'replay-1' }), 'Order');
    expect(again).toEqual(first);
    const reused = await checkout(stack, user, { expectedCartVersion: version, idempotencyKey: 'replay-1', paymentToken: 'tok_declined' });
    expect(reused).toMatchObject({ __typename: 'IdempotencyKeyReused', code: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey: 'replay-1' });
    expect((await moneyOf(stack, user)).orders).toEqual([{ id: first.id, status: 'PAID', total: first.total.amount }]);
  });

  it('20 concurrent checkouts with one key place one order with one charge, and all 20 get that order', async () => {
    const user = 'buyer-double-click';
    const version = await fillCart(stack, user, [{ productId: tee.id, quantity: 1 }]);
    const before = await stockOf(stack, tee.id);
    const results = await Promise.all(Array.from({ length: 20 }, () => checkout(stack, user, { expectedCartVersion: version, idempotencyKey: 'double-click' })));
    const orders = expectEachType(results, 'Order');
    expect(orders.map((o) => o.id)).toEqual(Array(20).fill(orders[0]!.id));
    const money = await moneyOf(stack, user);
    expect(money.orders).toEqual([{ id: orders[0]!.id, status: 'PAID', total: orders[0]!.total.amount }]);
    expect(money.payments).toEqual([{ kind: 'CHARGE', status: 'SUCCEEDED', amount: money.orders[0]!.total }]);
    expect(await stockOf(stack, tee.id)).toEqual({ onHand: before.onHand - 1, reserved: 0 });
  });

  it('keys are scoped to their user: two users may use the same key', async () => {
    const [a, b] = await Promise.all(
      ['buyer-key-a', 'buyer-key-b'].map(async (user) => {
        const version = await fillCart(stack, user, [{ productId: mug.id, quantity: 1 }]);
        return expectType(await checkout(stack, user, { expectedCartVersion: version, idempotencyKey: 'same-key' }), 'Order');
      }),
    );
    expect(a!.id).not.toBe(b!.id);
  });
});
