import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartPricesDocument, ProductPriceDocument, SetPriceDocument } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { expectType, sql } from '@platform/testing';
import { ADMIN, countSql, demoProducts, purgeRedis, type DemoProduct } from './helpers.ts';

let stack: TestStack;
let products: DemoProduct[];
beforeAll(async () => {
  stack = await startStack({ redisProxy: true });
  products = await demoProducts(stack, 60);
});
afterAll(() => stack?.stop());

const codes = (errors: { extensions?: Record<string, unknown> }[] | undefined) => errors?.map((e) => e.extensions?.code);

describe('Product.price', () => {
  it('prices 60 products with one SQL statement, and a second read from the cache with none', async () => {
    await purgeRedis(stack, 'pricing:price:*');
    type Page = { products: { edges: { node: { id: string; price: { amount: string; currencyCode: string } } }[] } };
    const query = '{ products(first: 60) { edges { node { id price { amount currencyCode } } } } }';
    const cold = await countSql(stack, () => stack.data<Page>(query));
    expect(cold.pricing).toBe(1);
    const nodes = cold.result.products.edges.map((e) => e.node);
    expect(nodes).toHaveLength(60);
    const stored = await sql<{ productId: string; amount: string }>(stack.db.url, `SELECT "productId"::text, amount::text FROM pricing."Price" WHERE "productId" = ANY($1::uuid[])`, [nodes.map((n) => n.id)]);
    const byId = new Map(stored.map((r) => [r.productId, r.amount]));
    expect(nodes).toEqual(nodes.map((n) => ({ id: n.id, price: { amount: byId.get(n.id), currencyCode: 'SGD' } })));

    const warm = await countSql(stack, () => stack.data<Page>(query));
    expect(warm.pricing).toBe(0);
    expect(warm.result).toEqual(cold.result);
  });
});

describe('a cart of 20 lines', () => {
  const buyer = { user: 'twenty-lines' } as const;

  beforeAll(async () => {
    for (const product of products.slice(0, 20)) {
      expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, buyer)).addCartLine, 'Cart');
    }
  });

  it('resolves names, prices and current unit prices with one SQL statement in pricing, and none once cached', async () => {
    await purgeRedis(stack, 'pricing:price:*');
    const cold = await countSql(stack, () => stack.data(CartPricesDocument, {}, buyer));
    const lines = cold.result.cart!.lines;
    expect(lines).toHaveLength(20);
    expect(lines.map((l) => l.product.name)).toEqual(products.slice(0, 20).map((p) => p.name));
    const priced = (l: (typeof lines)[number]) => ({ product: l.product.name, currentUnitPrice: l.currentUnitPrice, price: l.product.price, priceChanged: l.priceChanged });
    expect(lines.map(priced)).toEqual(lines.map((l) => ({ product: l.product.name, currentUnitPrice: l.unitPrice, price: l.unitPrice, priceChanged: false })));
    // Product.price and CartLine.currentUnitPrice arrive as two parallel requests from the
    // gateway; they share one load.
    expect(cold.pricing).toBe(1);
    expect(cold.product).toBeLessThanOrEqual(1);

    const warm = await countSql(stack, () => stack.data(CartPricesDocument, {}, buyer));
    expect(warm.pricing).toBe(0);
    expect(warm.result).toEqual(cold.result);
  });

  it('after setPrice, priceChanged is true and currentUnitPrice is the new price while unitPrice stays', async () => {
    const target = products[3]!;
    const before = await stack.data(CartPricesDocument, {}, buyer);
    const captured = before.cart!.lines.find((l) => l.product.id === target.id)!.unitPrice;
    const raised = (Number(captured.amount) + 1).toFixed(2);

    const { setPrice } = await stack.data(SetPriceDocument, { productId: target.id, amount: raised }, ADMIN);
    expect(setPrice).toEqual({ id: target.id, name: target.name, price: { amount: raised, currencyCode: 'SGD' } });

    const after = await stack.data(CartPricesDocument, {}, buyer);
    const lines = after.cart!.lines;
    expect(lines.map((l) => [l.product.id, l.priceChanged])).toEqual(lines.map((l) => [l.product.id, l.product.id === target.id]));
    const changed = lines.find((l) => l.product.id === target.id);
    expect(changed && { unitPrice: changed.unitPrice, currentUnitPrice: changed.currentUnitPrice, price: changed.product.price }).toEqual({
      unitPrice: captured,
      currentUnitPrice: { amount: raised, currencyCode: 'SGD' },
      price: { amount: raised, currencyCode: 'SGD' },
    });
    // The subtotal is still the captured prices'.
    expect(after.cart!.subtotal).toEqual(before.cart!.subtotal);

    // Back to the captured price: no longer changed.
    await stack.data(SetPriceDocument, { productId: target.id, amount: captured.amount }, ADMIN);
    const restored = await stack.data(CartPricesDocument, {}, buyer);
    expect(restored.cart!.lines.find((l) => l.product.id === target.id)!.priceChanged).toBe(false);
  });
});

describe('setPrice', () => {
  it('records the price and a history row that took effect when the price did, in one statement', async () => {
    const target = products[30]!;
    const result = await countSql(stack, () => stack.data(SetPriceDocument, { productId: target.id, amount: '123.45' }, ADMIN));
    expect(result.pricing).toBe(1);
    const [price] = await sql<{ amount: string; updatedAt: Date }>(stack.db.url, `SELECT amount::text, "updatedAt" FROM pricing."Price" WHERE "productId" = $1`, [target.id]);
    const history = await sql<{ amount: string; effectiveFrom: Date }>(
      stack.db.url,
      `SELECT amount::text, "effectiveFrom" FROM pricing."PriceHistory" WHERE "productId" = $1 ORDER BY "effectiveFrom"`,
      [target.id],
    );
    expect(price!.amount).toBe('123.45');
    expect(history.map((h) => h.amount)).toEqual([target.price, '123.45']);
    expect(history[1]!.effectiveFrom.getTime()).toBe(price!.updatedAt.getTime());
  });

  it('is seen by the next read at once (the cache is written through), with no SQL', async () => {
    const target = products[31]!;
    await stack.data(ProductPriceDocument, { id: target.id });
    await stack.data(SetPriceDocument, { productId: target.id, amount: '77.70' }, ADMIN);
    const read = await countSql(stack, () => stack.data(ProductPriceDocument, { id: target.id }));
    expect(read.result.product?.price).toEqual({ amount: '77.70', currencyCode: 'SGD' });
    expect(read.pricing).toBe(0);
  });

  it('keeps the last of concurrent price changes, in the database and in the cache', async () => {
    const target = products[32]!;
    const amounts = Array.from({ length: 10 }, (_, i) => `${40 + i}.00`);
    await Promise.all(amounts.map((amount) => stack.data(SetPriceDocument, { productId: target.id, amount }, ADMIN)));
    const [last] = await sql<{ amount: string }>(stack.db.url, `SELECT amount::text FROM pricing."PriceHistory" WHERE "productId" = $1 ORDER BY "effectiveFrom" DESC LIMIT 1`, [target.id]);
    const [current] = await sql<{ amount: string }>(stack.db.url, `SELECT amount::text FROM pricing."Price" WHERE "productId" = $1`, [target.id]);
    expect(current!.amount).toBe(last!.amount);
    const { product } = await stack.data(ProductPriceDocument, { id: target.id });
    expect(product?.price.amount).toBe(current!.amount);
  });

  it.each([
    ['0', 'amount'],
    ['-5.00', 'amount'],
    ['9.999', 'amount'],
  ])('refuses the amount %s with BAD_USER_INPUT and changes nothing', async (amount, field) => {
    const target = products[33]!;
    const result = await stack.request(SetPriceDocument, { productId: target.id, amount }, ADMIN);
    expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe(field);
    const [price] = await sql<{ amount: string }>(stack.db.url, `SELECT amount::text FROM pricing."Price" WHERE "productId" = $1`, [target.id]);
    expect(price!.amount).toBe(target.price);
  });

  it('refuses a malformed product id with BAD_USER_INPUT', async () => {
    const result = await stack.request(SetPriceDocument, { productId: 'not-a-uuid', amount: '1.00' }, ADMIN);
    expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
  });

  it('is FORBIDDEN to customers and UNAUTHENTICATED without identity, and changes nothing', async () => {
    const target = products[34]!;
    const asCustomer = await stack.request(SetPriceDocument, { productId: target.id, amount: '1.00' }, { user: 'mallory' });
    expect(codes(asCustomer.errors)).toEqual(['FORBIDDEN']);
    const asGuest = await stack.request(SetPriceDocument, { productId: target.id, amount: '1.00' }, { guest: await stack.guestToken() });
    expect(codes(asGuest.errors)).toEqual(['FORBIDDEN']);
    const anonymous = await stack.request(SetPriceDocument, { productId: target.id, amount: '1.00' });
    expect(codes(anonymous.errors)).toEqual(['UNAUTHENTICATED']);
    const [price] = await sql<{ amount: string }>(stack.db.url, `SELECT amount::text FROM pricing."Price" WHERE "productId" = $1`, [target.id]);
    expect(price!.amount).toBe(target.price);
  });
});

describe('without Redis (last: it takes Redis away from the whole stack)', () => {
  const buyer = { user: 'twenty-lines' } as const;
  const pricingReady = () =>
    fetch(new URL('/ready', stack.subgraphs.pricing.url))
      .then((r) => r.json())
      .then((r: { status: string }) => r.status);

  it('serves prices and current unit prices from Postgres, takes price changes, and forgets stale entries once Redis is back', async () => {
    const target = products[5]!;
    const before = await stack.data(CartPricesDocument, {}, buyer);
    const captured = before.cart!.lines.find((l) => l.product.id === target.id)!.unitPrice.amount;

    await stack.redisProxy!.down();
    await expect.poll(pricingReady, { timeout: 10_000 }).toBe('degraded');
    const down = await countSql(stack, () => stack.data(CartPricesDocument, {}, buyer));
    expect(down.result).toEqual(before);
    expect(down.pricing).toBe(1);

    const changed = (Number(captured) + 2).toFixed(2);
    await stack.data(SetPriceDocument, { productId: target.id, amount: changed }, ADMIN);
    const line = async () => (await stack.data(CartPricesDocument, {}, buyer)).cart!.lines.find((l) => l.product.id === target.id)!;
    expect(await line()).toMatchObject({ unitPrice: { amount: captured }, currentUnitPrice: { amount: changed }, priceChanged: true });

    // The entry cached before the outage still holds the old price; it must not come back.
    await stack.redisProxy!.up();
    await expect.poll(pricingReady, { timeout: 15_000 }).toBe('ready');
    await expect.poll(async () => (await line()).currentUnitPrice.amount, { timeout: 5_000 }).toBe(changed);
    const warm = await countSql(stack, () => line());
    expect(warm.result).toMatchObject({ currentUnitPrice: { amount: changed }, product: { price: { amount: changed } }, priceChanged: true });
    expect(warm.pricing).toBe(0);
  });
});
