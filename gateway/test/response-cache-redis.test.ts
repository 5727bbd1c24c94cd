/**
 * The response cache with Redis gone: the gateway answers from the subgraphs (never a stale
 * cached response), and once Redis is back it starts over, since changes made meanwhile may not
 * have reached their cache tags.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartViewDocument } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { createProduct, waitUntil, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let product: FixtureProduct;
beforeAll(async () => {
  stack = await startStack({ redisProxy: true });
  product = await createProduct(stack, { price: '4.00', stock: 100 });
});
afterAll(() => stack?.stop());

const me = { user: 'cache-redis-down' } as const;
const quantity = () => stack.data(CartViewDocument, {}, me).then((r) => r.cart?.totalQuantity);
const add = (n: number) => stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: n } }, me);
const redisReady = () => stack.gateway.redis.status === 'ready';

describe('the response cache without Redis', () => {
  it('serves every change while Redis is down, and again after it is back', async () => {
    await add(1);
    expect(await quantity()).toBe(1);
    expect(await quantity()).toBe(1);
    await stack.redisProxy!.down();
    await waitUntil(() => !redisReady(), 'the gateway to notice Redis is down');
    await add(2);
    expect(await quantity()).toBe(3);
    const bypassed = stack.gateway.subgraphRequests();
    expect(await quantity()).toBe(3);
    // Without Redis nothing is served from the cache: the view went to the subgraphs again.
    expect(stack.gateway.subgraphRequests().cart).toBeGreaterThan(bypassed.cart ?? 0);
    await stack.redisProxy!.up();
    await waitUntil(redisReady, 'the gateway to reconnect to Redis', 10_000);
    await add(4);
    expect(await quantity()).toBe(7);
    expect(await quantity()).toBe(7);
  });
});
