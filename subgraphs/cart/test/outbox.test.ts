import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { AddCartLineDocument } from '@platform/client';
import { startStack, TEST_REDIS_URL, type TestStack } from '@platform/e2e/support';
import { createProduct, sql, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let product: FixtureProduct;
let subscriber: Redis;
const received: { version: number; type: string; ownerId: string }[] = [];

beforeAll(async () => {
  stack = await startStack({ env: { OUTBOX_RELAY_INTERVAL_MS: '0' } });
  product = await createProduct(stack, { price: '1.00', stock: 100 });
  subscriber = new Redis(TEST_REDIS_URL);
  await subscriber.subscribe(`${stack.redisPrefix}cart-events`);
  subscriber.on('message', (_channel, message) => received.push(JSON.parse(message)));
});
afterAll(async () => {
  subscriber?.disconnect();
  await stack?.stop();
});

describe('the cart event outbox', () => {
  it('every committed change is published on Redis with its version, and marked published', async () => {
    const me = { user: 'publisher' } as const;
    for (let i = 0; i < 3; i++) await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me);
    await expect.poll(() => received.filter((m) => m.ownerId === me.user).map((m) => m.version)).toEqual([1, 2, 3]);
    const unpublished = await sql(stack.db.url, `SELECT 1 FROM cart."CartEvent" WHERE "ownerId" = $1 AND "publishedAt" IS NULL`, [me.user]);
    expect(unpublished).toEqual([]);
  });

  it('the relay republishes events a crash left unpublished', async () => {
    const me = { user: 'crash-victim' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me);
    // As if the process died between commit and publish.
    await sql(stack.db.url, `UPDATE cart."CartEvent" SET "publishedAt" = NULL, at = now() - interval '1 minute' WHERE "ownerId" = $1`, [me.user]);
    received.length = 0;
    // Only this event is unpublished: every earlier one was marked published (first test).
    expect(await stack.subgraphs.cart.services.events.relay()).toBe(1);
    await expect.poll(() => received.filter((m) => m.ownerId === me.user).map((m) => [m.version, m.type])).toEqual([[1, 'LINE_ADDED']]);
    expect(await sql(stack.db.url, `SELECT 1 FROM cart."CartEvent" WHERE "publishedAt" IS NULL`)).toEqual([]);
  });
});
