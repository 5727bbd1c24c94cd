import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CategoriesDocument, ProductAvailabilityDocument, SetStockDocument, UpsertProductDocument } from '@platform/client';
import { Redis } from '@platform/redis';
import { startStack, TEST_REDIS_URL, type TestStack } from '@platform/e2e/support';
import { sql } from '@platform/testing';
import { productIds } from './helpers.ts';

let stack: TestStack;
let redis: Redis;
let ids: string[];
const alice = { user: 'entity-alice' } as const;
const admin = { user: 'entity-admin', role: 'admin' } as const;

const ADD_LINE = 'mutation Add($input: AddCartLineInput!) { addCartLine(input: $input) { __typename } }';
const CART_PRODUCTS = '{ cart { lines { product { id sku name brand } } } }';
const CART_PRODUCT_DETAILS = '{ cart { lines { product { id name category { id path parent { id } } availability { inStock availableQuantity } } } } }';

type CartProducts = { cart: { lines: { product: { id: string; sku: string; name: string; brand: string | null } }[] } };
type CartProductDetails = { cart: { lines: { product: { id: string; name: string; availability: { availableQuantity: number } } }[] } };

/** Product-subgraph SQL statements run while `fn` runs. */
async function productSql<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const before = stack.subgraphs.product.sql.count;
  const result = await fn();
  return { result, statements: stack.subgraphs.product.sql.count - before };
}

beforeAll(async () => {
  stack = await startStack();
  redis = new Redis(TEST_REDIS_URL, { keyPrefix: stack.redisPrefix, lazyConnect: true });
  await redis.connect();
  ids = await productIds(stack, 20, 100);
  // Lines are added with a selection that reads no product field, so the product cache stays cold.
  for (const productId of ids) {
    const { addCartLine } = await stack.data<{ addCartLine: { __typename: string } }>(ADD_LINE, { input: { productId, quantity: 1 } }, alice);
    expect(addCartLine.__typename).toBe('Cart');
  }
});
afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
});

describe('entity resolution', () => {
  it('a cart of 20 lines resolves its 20 products with one SQL statement', async () => {
    const { result, statements } = await productSql(() => stack.data<CartProducts>(CART_PRODUCTS, {}, alice));
    expect(result.cart.lines.map((l) => l.product.id).sort()).toEqual([...ids].sort());
    expect(result.cart.lines.filter((l) => !l.product.sku || !l.product.name)).toEqual([]);
    expect(statements).toBe(1);
  });

  it('reading the same products again runs no product SQL (served from Redis)', async () => {
    const { result, statements } = await productSql(() => stack.data<CartProducts>(CART_PRODUCTS, {}, alice));
    expect(result.cart.lines).toHaveLength(20);
    expect(statements).toBe(0);
  });

  it('category and availability of 20 products cost one statement per kind, then none', async () => {
    await redis.del(...ids.map((id) => `catalog:availability:v1:${id}`), 'catalog:categories:v1');
    const cold = await productSql(() => stack.data<CartProductDetails>(CART_PRODUCT_DETAILS, {}, alice));
    expect(cold.result.cart.lines).toHaveLength(20);
    expect(cold.statements).toBe(2);
    const warm = await productSql(() => stack.data<CartProductDetails>(CART_PRODUCT_DETAILS, {}, alice));
    expect(warm.statements).toBe(0);
    expect(warm.result).toEqual(cold.result);
  });

  it('cache keys are namespaced and expire: products after 5 minutes, availability within 60 s', async () => {
    const productTtl = await redis.ttl(`catalog:product:v1:${ids[0]}`);
    const availabilityTtl = await redis.ttl(`catalog:availability:v1:${ids[0]}`);
    expect(productTtl).toBeGreaterThan(240);
    expect(productTtl).toBeLessThanOrEqual(300);
    expect(availabilityTtl).toBeGreaterThan(0);
    expect(availabilityTtl).toBeLessThanOrEqual(60);
  });

  it('setStock drops the cached availability: the next read shows the new stock at once', async () => {
    const productId = ids[1]!;
    await stack.data(ProductAvailabilityDocument, { id: productId });
    await stack.data(SetStockDocument, { productId, onHand: 7 }, admin);
    const result = await stack.data(ProductAvailabilityDocument, { id: productId });
    expect(result.product?.availability).toEqual({ inStock: true, availableQuantity: 7 });
  });

  it('upsertProduct drops the cached product: the cart shows the new name at once', async () => {
    const productId = ids[2]!;
    const [row] = await sql<{ sku: string }>(stack.db.url, 'SELECT "sku" FROM "catalog"."Product" WHERE "id" = $1', [productId]);
    await stack.data(UpsertProductDocument, { input: { id: productId, sku: row!.sku, name: 'Renamed Entity Product' } }, admin);
    const { result } = await productSql(() => stack.data<CartProducts>(CART_PRODUCTS, {}, alice));
    expect(result.cart.lines.find((l) => l.product.id === productId)?.product.name).toBe('Renamed Entity Product');
  });

  it('the category tree is cached too', async () => {
    await stack.data(CategoriesDocument, {});
    const { result, statements } = await productSql(() => stack.data(CategoriesDocument, {}));
    expect(result.categories).toHaveLength(38);
    expect(statements).toBe(0);
  });

  it('an unknown or malformed product id resolves to null without an error', async () => {
    expect((await stack.data(ProductAvailabilityDocument, { id: '00000000-0000-4000-8000-000000000000' })).product).toBeNull();
    expect((await stack.data(ProductAvailabilityDocument, { id: 'nope' })).product).toBeNull();
  });
});
