import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProductAvailabilityDocument, SearchProductsDocument, SetStockDocument } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { callInternal, productIds, stockOf } from './helpers.ts';

let stack: TestStack;
beforeAll(async () => {
  // Nothing listens on port 1: every service runs without Redis from the start.
  stack = await startStack({ env: { REDIS_URL: 'redis://127.0.0.1:1/0' } });
});
afterAll(() => stack?.stop());

describe('the product subgraph without Redis', () => {
  it('reports Redis down but stays ready', async () => {
    const ready = await fetch(new URL('/ready', stack.subgraphs.product.url));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'degraded', checks: { postgres: 'up', redis: 'down' } });
  });

  it('serves search, products and availability from Postgres, every time', async () => {
    const { products } = await stack.data(SearchProductsDocument, { filter: { search: 'pack', inStockOnly: true }, first: 5 });
    expect(products.edges).toHaveLength(5);
    const id = products.edges[0]!.node.id;
    for (let i = 0; i < 2; i++) {
      const before = stack.subgraphs.product.sql.count;
      const { product } = await stack.data(ProductAvailabilityDocument, { id });
      expect(product?.availability.inStock).toBe(true);
      expect(stack.subgraphs.product.sql.count - before).toBeGreaterThan(0);
    }
  });

  it('changes stock and reserves it, and readers see the change', async () => {
    const [productId] = await productIds(stack, 1, 700);
    await stack.data(SetStockDocument, { productId: productId!, onHand: 6 }, { user: 'admin-redisless', role: 'admin' });
    const { body } = await callInternal<{ ok: boolean }>(stack, 'reserve', { checkoutKey: `nored:${randomUUID()}`, lines: [{ productId, quantity: 2 }] });
    expect(body).toMatchObject({ ok: true });
    expect(await stockOf(stack, productId!)).toEqual({ onHand: 6, reserved: 2 });
    expect((await stack.data(ProductAvailabilityDocument, { id: productId! })).product?.availability.availableQuantity).toBe(4);
  });
});
