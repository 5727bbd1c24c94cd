import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartDocument, UpdateCartLineDocument } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, sql, waitUntil, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let product: FixtureProduct;
beforeAll(async () => {
  stack = await startStack({ redisProxy: true });
  product = await createProduct(stack, { price: '5.00', stock: 500 });
});
afterAll(() => stack?.stop());

const cartSql = () => stack.subgraphs.cart.sql.count;

/**
 * Waits until every change of `owner` is marked published: a write answers before its live-sync
 * publish (which marks its event in SQL) is done, and that statement is not the view's.
 */
const published = (owner: string) =>
  waitUntil(async () => (await sql(stack.db.url, `SELECT 1 FROM cart."CartEvent" WHERE "ownerId" = $1 AND "publishedAt" IS NULL`, [owner])).length === 0, `${owner}'s events published`);

describe('the cart cache', () => {
  it('a cached cart view runs no SQL in the cart subgraph', async () => {
    const me = { user: 'cached-reader' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me);
    await stack.data(CartDocument, {}, me); // fills the cache
    await published(me.user);
    const before = cartSql();
    for (let i = 0; i < 5; i++) expect((await stack.data(CartDocument, {}, me)).cart?.totalQuantity).toBe(1);
    expect(cartSql() - before).toBe(0);
  });

  it('the full cart view through the gateway runs no SQL in any subgraph once cached', async () => {
    const me = { user: 'hot-path' } as const;
    const others = await Promise.all([1, 2, 3, 4].map((i) => createProduct(stack, { price: `${i}.25`, stock: 50 })));
    for (const p of [product, ...others]) await stack.data(AddCartLineDocument, { input: { productId: p.id, quantity: 2 } }, me);
    const view = `{ cart { version totalQuantity subtotal { amount } cost { total { amount } tax { amount } }
      lines { quantity unitPrice { amount } currentUnitPrice { amount } priceChanged product { name brand price { amount } availability { inStock } } } } }`;
    const first = await stack.data<{ cart: { lines: unknown[] } }>(view, {}, me);
    expect(first.cart.lines).toHaveLength(5);
    const { cart, product: products, pricing } = stack.subgraphs;
    await published(me.user);
    const before = [cart.sql.count, products.sql.count, pricing.sql.count];
    const again = await stack.data(view, {}, me);
    expect(again).toEqual(first);
    expect([cart.sql.count, products.sql.count, pricing.sql.count].map((n, i) => n - before[i]!)).toEqual([0, 0, 0]);
  });

  it('a write leaves the cart it committed in the cache: the next view (and a live-sync render) runs no SQL', async () => {
    const me = { user: 'write-through' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me);
    await stack.data(CartDocument, {}, me);
    const added = expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 2 } }, me)).addCartLine, 'Cart');
    await published(me.user);
    const before = cartSql();
    const view = (await stack.data(CartDocument, {}, me)).cart;
    expect(cartSql() - before).toBe(0);
    expect(view).toMatchObject({ version: added.version, totalQuantity: 3 });
  });

  it('after concurrent writes to one cart the cache holds the last committed version, never an older one', async () => {
    const me = { user: 'burst-writer' } as const;
    const first = expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me)).addCartLine, 'Cart');
    const results = await Promise.all(Array.from({ length: 20 }, () => stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me)));
    for (const r of results) expectType(r.addCartLine, 'Cart');
    await published(me.user);
    const before = cartSql();
    const view = (await stack.data(CartDocument, {}, me)).cart;
    expect(cartSql() - before).toBe(0);
    expect(view).toMatchObject({ version: first.version + 20, totalQuantity: 21 });
  });

  it('an owner without a cart is cached too', async () => {
    const me = { user: 'no-cart-yet' } as const;
    await stack.data(CartDocument, {}, me);
    const before = cartSql();
    expect((await stack.data(CartDocument, {}, me)).cart).toBeNull();
    expect(cartSql() - before).toBe(0);
  });

  it('a client always reads its own write', async () => {
    const me = { user: 'fast-tapper' } as const;
    const added = expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me)).addCartLine, 'Cart');
    for (let q = 2; q <= 6; q++) {
      await stack.data(UpdateCartLineDocument, { input: { lineId: added.lines[0]!.id, quantity: q } }, me);
      expect((await stack.data(CartDocument, {}, me)).cart?.totalQuantity).toBe(q);
    }
  });

  it('with Redis down, reads and writes keep working from Postgres, and the cache recovers when it returns', async () => {
    const me = { user: 'outage-shopper' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me);
    // Cached before the outage: this view must not survive the writes made during it.
    expect((await stack.data(CartDocument, {}, me)).cart?.totalQuantity).toBe(1);
    await stack.redisProxy!.down();
    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me)).addCartLine, 'Cart');
      expect((await stack.data(CartDocument, {}, me)).cart?.totalQuantity).toBe(i + 2);
    }
    // No hang: ten operations well within a couple of seconds even with Redis gone.
    expect(Date.now() - started).toBeLessThan(5_000);
    const ready = await fetch(new URL('/ready', stack.url));
    expect(await ready.json()).toMatchObject({ status: 'degraded', checks: { redis: 'down', postgres: 'up' } });

    await stack.redisProxy!.up();
    await expect.poll(async () => (await (await fetch(new URL('/ready', stack.url))).json()).status, { timeout: 15_000, interval: 250 }).toBe('ready');
    await expect
      .poll(
        async () => {
          await stack.data(CartDocument, {}, me);
          const before = cartSql();
          await stack.data(CartDocument, {}, me);
          return cartSql() - before;
        },
        { timeout: 15_000, interval: 250 },
      )
      .toBe(0);
    expect((await stack.data(CartDocument, {}, me)).cart?.totalQuantity).toBe(6);
  });
});
