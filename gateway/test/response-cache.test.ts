/**
 * The gateway's response cache is exactly as correct as no cache: a repeated view costs no
 * subgraph fetch, and every change shows on the very next read, through whichever gateway
 * instance took the write or serves the read, whoever made the change (a mutation, the checkout
 * saga, a job, an admin).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddCartLineDocument,
  ApplyCouponCodeDocument,
  CartViewDocument,
  CheckoutDocument,
  CreateCouponDocument,
  MergeGuestCartDocument,
  ProductDocument,
  SetCountryRatesDocument,
  SetShippingCountryDocument,
  UpsertProductDocument,
  type CartViewQuery,
} from '@platform/client';
import type { RunningGateway } from '@platform/gateway';
import { startExtraGateway, startStack, type TestStack } from '@platform/e2e/support';
import { createClient, createProduct, setPrice, setStock, type Caller, type FixtureProduct, type TestClient } from '@platform/testing';

let stack: TestStack;
let second: RunningGateway;
let other: TestClient;
let a: FixtureProduct;
let b: FixtureProduct;
const ADMIN = { user: 'cache-admin', role: 'admin' } as const;

beforeAll(async () => {
  stack = await startStack();
  second = await startExtraGateway(stack);
  other = createClient(second.url, stack.env.AUTH_JWT_SECRET!);
  [a, b] = await Promise.all([createProduct(stack, { price: '12.00', stock: 50 }), createProduct(stack, { price: '30.00', stock: 50 })]);
});
afterAll(async () => {
  await second?.stop();
  await stack?.stop();
});

const view = (client: TestClient, as: Caller) => client.data(CartViewDocument, {}, as).then((r) => r.cart);
const fetchesDuring = async <T>(gateway: RunningGateway, run: () => Promise<T>) => {
  const before = gateway.subgraphRequests();
  const result = await run();
  const after = gateway.subgraphRequests();
  return { result, fetches: Object.fromEntries(Object.entries(after).map(([name, n]) => [name, n - (before[name] ?? 0)]).filter(([, n]) => n !== 0)) };
};

/** Views the cart through both gateways (so both hold it), changes something, and returns both views after. */
async function bothAfter(as: Caller, change: () => Promise<unknown>): Promise<[NonNullable<CartViewQuery['cart']>, NonNullable<CartViewQuery['cart']>]> {
  await view(stack, as);
  await view(other, as);
  await change();
  const [first, secondView] = await Promise.all([view(stack, as), view(other, as)]);
  return [first!, secondView!];
}

describe('a repeated view', () => {
  it('makes no subgraph fetch; a view after a change makes at most one per subgraph', async () => {
    const me = { user: 'cache-fetches' } as const;
    for (const [product, quantity] of [[a, 1], [b, 2]] as const) await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity } }, me);
    const fresh = await fetchesDuring(stack.gateway, () => view(stack, me));
    expect(fresh.fetches).toEqual({ cart: 1, pricing: 1, product: 1 });
    const repeated = await fetchesDuring(stack.gateway, () => view(stack, me));
    expect(repeated.fetches).toEqual({});
    expect(repeated.result).toEqual(fresh.result);
  });
});

describe('every change shows on the next read, on every gateway', () => {
  it('a cart write through one gateway', async () => {
    const me = { user: 'cache-cart-write' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: a.id, quantity: 1 } }, me);
    const [mine, theirs] = await bothAfter(me, () => other.data(AddCartLineDocument, { input: { productId: a.id, quantity: 2 } }, me));
    expect([mine.totalQuantity, theirs.totalQuantity]).toEqual([3, 3]);
    expect(mine.version).toBe(2);
  });

  it('a price change (admin)', async () => {
    const me = { user: 'cache-price' } as const;
    const product = await createProduct(stack, { price: '5.00', stock: 10 });
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me);
    const views = await bothAfter(me, () => setPrice(stack, product.id, '6.50'));
    expect(views.map((v) => [v.lines[0]!.currentUnitPrice.amount, v.lines[0]!.priceChanged, v.lines[0]!.product.price.amount])).toEqual([
      ['6.50', true, '6.50'],
      ['6.50', true, '6.50'],
    ]);
  });

  it('a product edit (admin)', async () => {
    const me = { user: 'cache-product' } as const;
    const product = await createProduct(stack, { price: '5.00', stock: 10 });
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me);
    const views = await bothAfter(me, () => stack.data(UpsertProductDocument, { input: { id: product.id, sku: product.sku, name: 'Renamed by the admin' } }, ADMIN));
    expect(views.map((v) => v.lines[0]!.product.name)).toEqual(['Renamed by the admin', 'Renamed by the admin']);
  });

  it('a stock change shown in the view', async () => {
    const me = { user: 'cache-stock' } as const;
    const product = await createProduct(stack, { price: '5.00', stock: 10 });
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me);
    const views = await bothAfter(me, () => setStock(stack, product.id, 3));
    expect(views.map((v) => v.lines[0]!.product.availability.availableQuantity)).toEqual([3, 3]);
  });

  it('a coupon change: created after the cart carried its code', async () => {
    const me = { user: 'cache-coupon' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: b.id, quantity: 2 } }, me);
    await stack.data(ApplyCouponCodeDocument, { input: { code: 'WELCOME10' } }, me);
    const create = () => stack.data(CreateCouponDocument, { input: { code: 'CACHEONE', kind: 'FIXED', value: '1.00', maxRedemptions: 1 } }, ADMIN);
    await create();
    await stack.data(ApplyCouponCodeDocument, { input: { code: 'CACHEONE' } }, me);
    // Someone else's checkout uses the coupon's only redemption: the view must say it is used up.
    const buyer = { user: 'cache-coupon-buyer' } as const;
    const cart = (await stack.data(AddCartLineDocument, { input: { productId: b.id, quantity: 2 } }, buyer)).addCartLine;
    await stack.data(ApplyCouponCodeDocument, { input: { code: 'CACHEONE' } }, buyer);
    const views = await bothAfter(me, () =>
      stack.data(CheckoutDocument, { input: { idempotencyKey: 'cache-coupon-checkout', expectedCartVersion: ('version' in cart ? cart.version : 0) + 1, paymentToken: 'tok_ok', shippingAddress: { name: 'A', line1: '1 Road', city: 'Singapore', postalCode: '018956', country: 'SG' } } }, buyer),
    );
    expect(views.map((v) => v.cost.invalidCoupons)).toEqual([[{ code: 'CACHEONE', reason: 'EXHAUSTED' }], [{ code: 'CACHEONE', reason: 'EXHAUSTED' }]]);
  });

  it('a tax or shipping change (admin)', async () => {
    const me = { user: 'cache-rates' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: a.id, quantity: 1 } }, me);
    await stack.data(SetShippingCountryDocument, { input: { country: 'VN' } }, me);
    const views = await bothAfter(me, () => stack.data(SetCountryRatesDocument, { input: { country: 'VN', taxRate: '0.2000', shipping: '7.00', freeShippingOver: null } }, ADMIN));
    expect(views.map((v) => [v.cost.taxRate, v.cost.shipping.amount])).toEqual([
      ['0.2', '7.00'],
      ['0.2', '7.00'],
    ]);
  });

  it('the checkout saga empties the cart (no cart mutation through any gateway)', async () => {
    const me = { user: 'cache-checkout' } as const;
    const added = (await stack.data(AddCartLineDocument, { input: { productId: a.id, quantity: 1 } }, me)).addCartLine;
    const version = 'version' in added ? added.version : -1;
    const views = await bothAfter(me, () =>
      stack.data(CheckoutDocument, { input: { idempotencyKey: 'cache-checkout-1', expectedCartVersion: version, paymentToken: 'tok_ok', shippingAddress: { name: 'A', line1: '1 Road', city: 'Singapore', postalCode: '018956', country: 'SG' } } }, me),
    );
    expect(views.map((v) => [v.version, v.lines])).toEqual([
      [version + 1, []],
      [version + 1, []],
    ]);
  });

  it('a job: the expiry sweep deletes the cart', async () => {
    const me = { user: 'cache-expiry' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: a.id, quantity: 1 } }, me);
    await view(stack, me);
    await view(other, me);
    await stack.subgraphs.cart.sweepExpired(new Date(Date.now() + 40 * 86_400_000));
    expect(await Promise.all([view(stack, me), view(other, me)])).toEqual([null, null]);
  });

  it('a merged guest cart stops being served to the guest', async () => {
    const guest = { guest: await stack.guestToken() };
    await stack.data(AddCartLineDocument, { input: { productId: b.id, quantity: 1 } }, guest);
    const before = await view(other, guest);
    expect(before?.totalQuantity).toBe(1);
    await stack.data(MergeGuestCartDocument, { input: { guestToken: guest.guest } }, { user: 'cache-merger' });
    expect(await Promise.all([view(stack, guest), view(other, guest)])).toEqual([null, null]);
  });
});

describe('identities', () => {
  it('never serves one caller another caller’s cached response', async () => {
    const alice = { user: 'cache-alice' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: a.id, quantity: 4 } }, alice);
    expect((await view(stack, alice))?.totalQuantity).toBe(4);
    expect(await view(stack, { user: 'cache-bob' })).toBeNull();
    expect(await view(stack, { guest: await stack.guestToken() })).toBeNull();
    // The same user id with another role is another identity too.
    expect((await view(stack, { user: 'cache-alice', role: 'admin' }))?.totalQuantity).toBe(4);
    const anonymous = await stack.request(CartViewDocument, {}, { anonymous: true });
    expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('serves public data to the anonymous and shows an admin’s change at once', async () => {
    const product = await createProduct(stack, { price: '8.00', stock: 5 });
    const read = () => stack.data(ProductDocument, { id: product.id }, { anonymous: true }).then((r) => r.product?.name);
    expect(await read()).toBe(product.name);
    await stack.data(UpsertProductDocument, { input: { id: product.id, sku: product.sku, name: 'Public rename' } }, ADMIN);
    expect(await read()).toBe('Public rename');
  });
});
