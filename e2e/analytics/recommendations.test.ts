/**
 * "Frequently bought together" end to end: real carts and orders through the gateway, the
 * affinity consumer catching up from the stream (waited on by its lag), then the rankings, the
 * stock filter, the fallback, and cart recommendations that follow the cart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CheckoutDocument, SaveLineForLaterDocument } from '@platform/client';
import type { EventEnvelope } from '@platform/events';
import { createLogger } from '@platform/logger';
import { backfillAffinity } from '@subgraph/product/backfill';
import { loadProductConfig } from '@subgraph/product/config';
import { readStream, startStack, waitForConsumers, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, setStock, sql, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let a: FixtureProduct, b: FixtureProduct, c: FixtureProduct, d: FixtureProduct, lonely: FixtureProduct;

const ADDRESS = { name: 'Nguyen Van An', line1: '12 Le Loi', city: 'Ho Chi Minh City', postalCode: '700000', country: 'VN' };
let orders = 0;

/** One shopper puts `products` in the cart and pays. */
async function buy(user: string, products: readonly FixtureProduct[]): Promise<void> {
  let version = 0;
  for (const p of products) version = expectType((await stack.data(AddCartLineDocument, { input: { productId: p.id, quantity: 1 } }, { user })).addCartLine, 'Cart').version;
  const placed = await stack.data(CheckoutDocument, { input: { idempotencyKey: `reco-${(orders += 1)}`, expectedCartVersion: version, shippingAddress: ADDRESS, paymentToken: 'tok_ok' } }, { user });
  expectType(placed.checkout, 'Order');
}

const FBT = 'query ($id: ID!, $first: Int) { product(id: $id) { frequentlyBoughtWith(first: $first) { id } } }';
const fbt = async (id: string, first = 5) => (await stack.data<{ product: { frequentlyBoughtWith: { id: string }[] } }>(FBT, { id, first })).product.frequentlyBoughtWith.map((p) => p.id);
const RECO = 'query ($first: Int) { cart { id version lines { id product { id } } recommendations(first: $first) { id } } }';
const recommendations = async (user: string, first = 3) => (await stack.data<{ cart: { recommendations: { id: string }[] } }>(RECO, { first }, { user })).cart.recommendations.map((p) => p.id);
const scoreOf = async (productId: string, partnerId: string) =>
  (await sql<{ score: number }>(stack.db.url, `SELECT score FROM catalog."ProductAffinity" WHERE "productId" = $1 AND "partnerId" = $2`, [productId, partnerId]))[0]?.score;

/** The catalog's best sellers that are in stock, best first, as the fallback ranks them. */
const bestSellers = async (n: number, exclude: string[] = []) =>
  (
    await sql<{ id: string }>(
      stack.db.url,
      `SELECT p.id::text AS id FROM catalog."Product" p JOIN catalog."Inventory" i ON i."productId" = p.id LEFT JOIN catalog."ProductSales" s ON s."productId" = p.id
       WHERE i."onHand" > i."reserved" AND NOT (p.id::text = ANY($1::text[])) ORDER BY s.score DESC NULLS LAST, p.id LIMIT $2`,
      [exclude, n],
    )
  ).map((r) => r.id);

beforeAll(async () => {
  stack = await startStack({ env: { CART_ABANDONED_SCAN_INTERVAL_MS: '0', CHECKOUT_RECOVERY_INTERVAL_MS: '0' } });
  const make = (n: number) => createProduct(stack, { name: `Reco ${n}`, price: '5.00', stock: 500 });
  [a, b, c, d, lonely] = [await make(1), await make(2), await make(3), await make(4), await make(5)];
  // A with B in 10 orders, A with C in 2, B with D in 1.
  for (let i = 0; i < 10; i++) await buy(`reco-ab-${i % 3}`, [a, b]);
  for (let i = 0; i < 2; i++) await buy('reco-ac', [a, c]);
  await buy('reco-bd', [b, d]);
  await waitForConsumers(stack);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

describe('Product.frequentlyBoughtWith', () => {
  it('ranks a product bought together 10 times above one bought together twice', async () => {
    expect((await fbt(a.id, 2))).toEqual([b.id, c.id]);
    expect((await fbt(b.id, 2))).toEqual([a.id, d.id]);
    // 10 orders (weight 3) and 10 adds to the same cart (weight 1) against 2 and 2.
    expect((await scoreOf(a.id, b.id))! / (await scoreOf(a.id, c.id))!).toBeCloseTo(5, 2);
  });

  it('never lists the product itself, and tops up with best sellers when history runs out', async () => {
    const list = await fbt(a.id, 5);
    expect(list.slice(0, 2)).toEqual([b.id, c.id]);
    expect(list).toHaveLength(5);
    expect(list).not.toContain(a.id);
    // No history at all: best sellers of the catalog, never an empty list.
    const fallback = await fbt(lonely.id, 3);
    expect(fallback).toHaveLength(3);
    expect(fallback).not.toContain(lonely.id);
    // The catalog's best sellers in stock (the demo order history's and these tests' sales).
    expect(fallback).toEqual(await bestSellers(3, [lonely.id]));
  });

  it('leaves out products that are out of stock, and lists them again once restocked', async () => {
    await setStock(stack, c.id, 0);
    expect(await fbt(a.id, 2)).toEqual([b.id, expect.not.stringMatching(c.id)]);
    await setStock(stack, c.id, 50);
    expect(await fbt(a.id, 2)).toEqual([b.id, c.id]);
  });

  it('refuses first above 20 with BAD_USER_INPUT', async () => {
    const result = await stack.request(FBT, { id: a.id, first: 21 });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('a replayed event changes no score', async () => {
    const reader = await readStream(stack.events);
    try {
      const events = await reader.waitFor((all) => all.filter((e) => e.type === 'order.paid').length >= 13, 'every order.paid');
      const before = await sql(stack.db.url, `SELECT "productId", "partnerId", score, pairs FROM catalog."ProductAffinity" ORDER BY 1, 2`);
      const applied = await Promise.all(events.map((e: EventEnvelope) => stack.subgraphs.product.affinity.handle(e)));
      expect(applied.filter(Boolean)).toEqual([]);
      expect(await sql(stack.db.url, `SELECT "productId", "partnerId", score, pairs FROM catalog."ProductAffinity" ORDER BY 1, 2`)).toEqual(before);
    } finally {
      await reader.close();
    }
  });
});

describe('Cart.recommendations', () => {
  it('recommends partners of the cart lines, never what is in the cart or saved for later, and changes after the cart changes', async () => {
    const user = 'reco-viewer';
    await stack.data(AddCartLineDocument, { input: { productId: a.id, quantity: 1 } }, { user });
    const first = await recommendations(user);
    expect(first.slice(0, 2)).toEqual([b.id, c.id]);
    expect(first).not.toContain(a.id);
    // Asked again: the same answer (from the gateway's cache).
    expect(await recommendations(user)).toEqual(first);

    const withB = expectType((await stack.data(AddCartLineDocument, { input: { productId: b.id, quantity: 1 } }, { user })).addCartLine, 'Cart');
    const second = await recommendations(user);
    expect(second).not.toContain(a.id);
    expect(second).not.toContain(b.id);
    // A's partner C (score 8) and B's partner D (score 4).
    expect(second.slice(0, 2)).toEqual([c.id, d.id]);

    const lineB = withB.lines.find((l) => l.product.id === b.id)!;
    await stack.data(SaveLineForLaterDocument, { input: { lineId: lineB.id } }, { user });
    const third = await recommendations(user);
    expect(third).not.toContain(b.id);
    expect(third[0]).toEqual(c.id);
  });

  it('an empty cart (checked out) still gets best sellers', async () => {
    const list = await recommendations('reco-ac', 2);
    expect(list).toEqual(await bestSellers(2));
  });
});

describe('analytics:backfill (affinity)', () => {
  it('replays the stream into emptied tables and arrives at the same scores', async () => {
    await waitForConsumers(stack);
    // The seed's demo history is not on the stream: the backfill rebuilds exactly the rows the stream's events made.
    const ids = [a, b, c, d, lonely].map((p) => p.id);
    const dump = (only: string[] | null) =>
      Promise.all([
        sql(stack.db.url, `SELECT "productId", "partnerId", score, pairs FROM catalog."ProductAffinity" WHERE $1::uuid[] IS NULL OR "productId" = ANY($1) ORDER BY 1, 2`, [only]),
        sql(stack.db.url, `SELECT "productId", score, units FROM catalog."ProductSales" WHERE $1::uuid[] IS NULL OR "productId" = ANY($1) ORDER BY 1`, [only]),
        sql(stack.db.url, `SELECT "cartId", "productId", "addedAt" FROM catalog."AffinityCartLine" ORDER BY 1, 2`),
      ]);
    const before = await dump(ids);
    const ranked = await fbt(a.id, 2);
    const report = await backfillAffinity(loadProductConfig(stack.env), createLogger('backfill', { level: 'silent' }));
    expect(report.read).toBeGreaterThan(0);
    expect(await dump(null)).toEqual(before);
    expect(await fbt(a.id, 2)).toEqual(ranked);
  });
});
