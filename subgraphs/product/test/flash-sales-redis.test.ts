/**
 * Redis dies in the middle of a flash sale (its connections cut and, as after a restart without
 * persistence, every key of this stack gone). Postgres is the record: joins keep being
 * acknowledged, admissions and purchases go on, nothing sells twice; when Redis comes back the
 * queue is rebuilt from Postgres and places are exact again.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckoutFlashSaleDocument } from '@platform/client';
import { TEST_REDIS_URL, type TestStack } from '@platform/e2e/support';
import { createProduct, expectEachType, sql, waitUntil } from '@platform/testing';
import { TestClock, createSale, joinAll, poolOf, saleTimes, startFlashStack, ticketOf, ticketsOf, users } from './flash-helpers.ts';

const ALLOCATION = 40;
const ADDRESS = { name: 'Outage Buyer', line1: '8 Marina View', city: 'Singapore', postalCode: '018960', country: 'SG' };

const clock = new TestClock(new Date('2027-07-07T07:00:00.000Z'));
let stack: TestStack;
let redis: Redis;

beforeAll(async () => {
  // Proves that nothing is lost or oversold, not latency: a starved CPU must not turn into timeouts or an open breaker.
  stack = await startFlashStack(clock, { redisProxy: true, env: { SUBGRAPH_TIMEOUT_MS: '30000', INTERNAL_CALL_TIMEOUT_MS: '30000', FLASH_CHECKOUT_SLOW_MS: '30000' } });
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
});

/** Every key of this stack in the real Redis (behind the proxy). */
const keysOfStack = () => redis.keys(`${stack.redisPrefix}*`);
const redisUpFor = (url: string) => fetch(new URL('/ready', url)).then(async (r) => ((await r.json()) as { checks: Record<string, string> }).checks.redis === 'up');

async function buyAll(saleId: string, buyers: readonly string[]): Promise<string[]> {
  return Promise.all(
    buyers.map(async (user) => {
      const ticket = await ticketOf(stack, saleId, user);
      const input = { saleId, purchaseToken: ticket!.purchaseToken!, quantity: 1, idempotencyKey: `outage-${user}`, shippingAddress: ADDRESS, paymentToken: 'tok_ok' };
      return (await stack.data(CheckoutFlashSaleDocument, { input }, { user })).checkoutFlashSale.__typename;
    }),
  );
}

describe('a flash sale through a Redis outage', () => {
  it('loses no ticket and sells no extra unit when Redis dies with its data, and rebuilds the queue from Postgres when it returns', async () => {
    const product = await createProduct(stack, { stock: ALLOCATION });
    const saleId = await createSale(stack, { productId: product.id, price: '3.00', allocation: ALLOCATION, admissionsPerSecond: 25, ...saleTimes(clock.now(), 1_000) });
    const before = users('before', 60);
    const during = users('during', 60);
    const after = users('after', 30);
    expectEachType(await joinAll(stack, saleId, before, 20), 'FlashSaleTicket');
    expect(await redis.zcard(`${stack.redisPrefix}flash:v1:{${saleId}}:q`)).toBe(before.length);

    // Redis goes away, and so does everything it held.
    await stack.redisProxy!.down();
    const lost = await keysOfStack();
    if (lost.length) await redis.del(...lost);
    await waitUntil(async () => !(await redisUpFor(stack.subgraphs.product.url)), 'the product subgraph to notice Redis is down');

    // Joins are still acknowledged (Postgres issues the places), each with its exact place.
    const joinedDuring = expectEachType(await joinAll(stack, saleId, during, 20), 'FlashSaleTicket');
    expect(joinedDuring.map((t) => t.position).sort((a, b) => a - b)).toEqual(during.map((_, i) => before.length + i + 1));
    // The sale starts: admissions and purchases carry on from Postgres.
    clock.advance(1_000);
    await stack.subgraphs.product.runFlashSaleJobs();
    const firstBuyers = before.slice(0, 20);
    expect(await buyAll(saleId, firstBuyers)).toEqual(Array(20).fill('Order'));
    expect(await poolOf(stack, saleId)).toMatchObject({ sold: 20, held: 5 });

    // Redis returns empty; the next run rebuilds the queue from Postgres.
    await stack.redisProxy!.up();
    await waitUntil(() => redisUpFor(stack.subgraphs.product.url), 'the product subgraph to reconnect to Redis', 15_000);
    clock.advance(1_000);
    expect((await stack.subgraphs.product.runFlashSaleJobs()).rebuilt).toBe(1);
    expect(await redis.zcard(`${stack.redisPrefix}flash:v1:{${saleId}}:q`)).toBe(before.length + during.length);
    expectEachType(await joinAll(stack, saleId, after, 10), 'FlashSaleTicket');

    // No ticket lost, one each, in the order they were acknowledged: before, during, after.
    const tickets = await ticketsOf(stack, saleId);
    expect(tickets.map((t) => t.userId.split('-')[0])).toEqual([...before, ...during, ...after].map((u) => u.split('-')[0]));
    expect(new Set(tickets.map((t) => t.userId)).size).toBe(before.length + during.length + after.length);
    // Places read from the rebuilt queue are exact: rank among waiting tickets by join order.
    const waiting = tickets.filter((t) => t.status === 'WAITING');
    const sample = [waiting[0]!, waiting[Math.floor(waiting.length / 2)]!, waiting.at(-1)!];
    const places = await Promise.all(sample.map((t) => ticketOf(stack, saleId, t.userId)));
    expect(places.map((t) => t?.position)).toEqual(sample.map((t) => waiting.indexOf(t) + 1));

    // Sell the rest: exactly the allocation, never one more.
    for (let round = 0; round < 10 && (await poolOf(stack, saleId)).sold < ALLOCATION; round++) {
      const admitted = (await ticketsOf(stack, saleId)).filter((t) => t.status === 'ADMITTED').map((t) => t.userId);
      expect(await buyAll(saleId, admitted)).toEqual(admitted.map(() => 'Order'));
      clock.advance(1_000);
      await stack.subgraphs.product.runFlashSaleJobs();
    }
    expect(await poolOf(stack, saleId)).toEqual({ allocation: ALLOCATION, available: 0, held: 0, sold: ALLOCATION, returned: 0 });
    const [orders] = await sql<{ units: number }>(
      stack.db.url,
      `SELECT coalesce(sum(l.quantity), 0)::int AS units FROM orders."OrderLine" l JOIN orders."Order" o ON o.id = l."orderId" WHERE l."productId" = $1 AND o.status = 'PAID'`,
      [product.id],
    );
    expect(orders!.units).toBe(ALLOCATION);
    expect((await ticketOf(stack, saleId, after.at(-1)!))?.status).toBe('SOLD_OUT');
  }, 120_000);
});
