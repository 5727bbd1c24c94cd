/**
 * The flash crowd, bounded for a two-core machine: 1,000 units, 5,000 shoppers joining
 * concurrently through the gateway (50 requests at a time), admissions driven by the test's
 * clock, admitted shoppers buying concurrently while others let their tokens lapse, and regular
 * checkouts of the same product running alongside. Then what Postgres says: exactly 1,000 sold,
 * stock plus sold equals the starting stock, nobody above the limit, admission in join order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CheckoutDocument, CheckoutFlashSaleDocument, EndFlashSaleDocument } from '@platform/client';
import type { TestStack } from '@platform/e2e/support';
import { createProduct, expectEachType, expectType, sql } from '@platform/testing';
import { ADMIN, TestClock, createSale, joinAll, poolOf, startFlashStack, stockOf, ticketOf, users } from './flash-helpers.ts';

const ALLOCATION = 1_000;
const SHOPPERS = 5_000;
const LIMIT = 4;
const REGULAR_STOCK = 60;
const STARTING_STOCK = ALLOCATION + REGULAR_STOCK;
const ADDRESS = { name: 'Rush Buyer', line1: '10 Bayfront Avenue', city: 'Singapore', postalCode: '018956', country: 'SG' };

const clock = new TestClock(new Date('2027-06-06T10:00:00.000Z'));
let stack: TestStack;

beforeAll(async () => {
  // Proves exactly-N, not latency: budgets are raised so a starved CPU does not turn into timeouts.
  stack = await startFlashStack(clock, { env: { DATABASE_POOL_SIZE: '10', SUBGRAPH_TIMEOUT_MS: '30000', INTERNAL_CALL_TIMEOUT_MS: '30000', FLASH_CHECKOUT_SLOW_MS: '30000' } });
});
afterAll(() => stack?.stop());

/** Runs `work` over `items`, `concurrency` at a time. */
async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!, i);
  }));
  return results;
}

describe('a flash crowd', () => {
  it(`${SHOPPERS} shoppers for ${ALLOCATION} units: exactly ${ALLOCATION} sold, stock plus sold unchanged, nobody above ${LIMIT}, admitted in join order`, async () => {
    const product = await createProduct(stack, { stock: STARTING_STOCK, price: '199.00' });
    const startsAt = new Date(clock.now().getTime() + 60_000);
    const saleId = await createSale(stack, {
      productId: product.id,
      price: '49.00',
      allocation: ALLOCATION,
      perBuyerLimit: LIMIT,
      admissionsPerSecond: 400,
      queueOpensAt: clock.now().toISOString(),
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
    });

    // Everyone presses "Buy" at once (50 in flight at a time): one ticket each, in Redis's arrival order.
    const shoppers = users('rush', SHOPPERS);
    const joined = expectEachType(await joinAll(stack, saleId, shoppers, 50), 'FlashSaleTicket');
    expect(joined.filter((t) => t.status !== 'WAITING')).toEqual([]);
    const tickets = await sql<{ seq: number }>(stack.db.url, 'SELECT seq FROM catalog."FlashSaleTicket" WHERE "saleId" = $1 ORDER BY seq', [saleId]);
    expect(tickets.map((t) => t.seq)).toEqual(Array.from({ length: SHOPPERS }, (_, i) => i + 1));

    // Regular shoppers of the same product, alongside the sale: they can only ever get its regular stock.
    const regulars = users('regular', 8);
    const regularCarts = await pool(regulars, 8, async (user) => expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 10 } }, { user })).addCartLine, 'Cart').version);
    const regularCheckouts = pool(regulars, 4, async (user, i) =>
      (await stack.data(CheckoutDocument, { input: { idempotencyKey: `regular-${i}`, expectedCartVersion: regularCarts[i]!, shippingAddress: ADDRESS, paymentToken: 'tok_ok' } }, { user })).checkout.__typename,
    );

    // Admission rounds, one second of the sale's clock each. One admitted shopper in 20 never
    // buys (their token lapses and the units go to the next); the rest buy 1 or 2.
    clock.set(startsAt);
    const bought = new Map<string, number>();
    const lapsing = new Set<string>();
    for (let round = 0; round < 40; round++) {
      await stack.subgraphs.product.runFlashSaleJobs();
      const admitted = await sql<{ userId: string }>(stack.db.url, `SELECT "userId" FROM catalog."FlashSaleTicket" WHERE "saleId" = $1 AND status = 'ADMITTED' ORDER BY seq`, [saleId]);
      const buyers = admitted.map((r) => r.userId).filter((u) => !lapsing.has(u));
      for (const [i, user] of buyers.entries()) if (i % 20 === 19) lapsing.add(user);
      const results = await pool(buyers.filter((u) => !lapsing.has(u)), 25, async (user, i) => {
        const ticket = await ticketOf(stack, saleId, user);
        const attempt = async (quantity: number, key: string) => {
          const input = { saleId, purchaseToken: ticket!.purchaseToken!, quantity, idempotencyKey: key, shippingAddress: ADDRESS, paymentToken: 'tok_ok' };
          return (await stack.data(CheckoutFlashSaleDocument, { input }, { user })).checkoutFlashSale;
        };
        let quantity = 1 + (i % LIMIT);
        let result = await attempt(quantity, `rush-${user}`);
        // The last units of the pool: a ticket may hold fewer than the limit, and says how many.
        if (result.__typename === 'LimitExceeded') result = await attempt((quantity = result.limit), `rush-${user}-again`);
        if (result.__typename === 'Order') bought.set(user, quantity);
        return result.__typename;
      });
      expect(results.filter((r) => r !== 'Order')).toEqual([]);
      const { sold } = await poolOf(stack, saleId);
      if (sold === ALLOCATION) break;
      // Tokens left unused lapse two minutes after admission; the next round admits in their place.
      clock.advance(admitted.length && buyers.some((u) => lapsing.has(u)) ? 120_000 : 1_000);
    }
    expect((await regularCheckouts).sort()).toEqual([...Array(6).fill('Order'), 'OutOfStock', 'OutOfStock']);

    // What Postgres holds: the pool sold exactly its allocation, and no more.
    const pooled = await poolOf(stack, saleId);
    expect(pooled).toEqual({ allocation: ALLOCATION, available: 0, held: 0, sold: ALLOCATION, returned: 0 });
    const flash = await sql<{ userId: string; units: number; orders: number }>(
      stack.db.url,
      `SELECT c."userId", sum(l.quantity)::int AS units, count(DISTINCT o.id)::int AS orders
         FROM orders."Checkout" c JOIN orders."Order" o ON o."checkoutId" = c.id JOIN orders."OrderLine" l ON l."orderId" = o.id
        WHERE c.kind = 'FLASH_SALE' AND o.status = 'PAID' GROUP BY c."userId"`,
    );
    expect(flash.reduce((sum, r) => sum + r.units, 0)).toBe(ALLOCATION);
    expect(flash.filter((r) => r.units > LIMIT || r.orders !== 1)).toEqual([]);
    expect(new Map(flash.map((r) => [r.userId, r.units]))).toEqual(bought);
    const [charges] = await sql<{ standing: number; orders: number }>(
      stack.db.url,
      `SELECT (SELECT count(*)::int FROM orders."Payment" WHERE kind = 'CHARGE' AND status = 'SUCCEEDED') AS standing, (SELECT count(*)::int FROM orders."Order" WHERE status = 'PAID') AS orders`,
    );
    expect(charges!.standing).toBe(charges!.orders);

    // Admission followed join order: every ticket ever admitted joined before every one that never was.
    const [order] = await sql<{ lastAdmitted: number; firstNever: number; outOfOrder: number }>(
      stack.db.url,
      `SELECT max(seq) FILTER (WHERE "admittedAt" IS NOT NULL)::int AS "lastAdmitted", min(seq) FILTER (WHERE "admittedAt" IS NULL)::int AS "firstNever",
              (SELECT count(*)::int FROM (SELECT "admittedAt" < lag("admittedAt") OVER (ORDER BY seq) AS back FROM catalog."FlashSaleTicket" WHERE "saleId" = $1 AND "admittedAt" IS NOT NULL) t WHERE back) AS "outOfOrder"
         FROM catalog."FlashSaleTicket" WHERE "saleId" = $1`,
      [saleId],
    );
    expect(order!.lastAdmitted).toBeLessThan(order!.firstNever);
    expect(order!.outOfOrder).toBe(0);
    // Sold out: nobody is left waiting.
    expect((await ticketOf(stack, saleId, shoppers.at(-1)!))?.status).toBe('SOLD_OUT');

    // Stock plus sold equals the starting stock, before and after the sale ends.
    const regularSold = 6 * 10;
    expect(await stockOf(stack, product.id)).toEqual({ onHand: REGULAR_STOCK - regularSold, reserved: 0 });
    await stack.data(EndFlashSaleDocument, { id: saleId }, ADMIN);
    const after = await stockOf(stack, product.id);
    expect(after.onHand + ALLOCATION + regularSold).toBe(STARTING_STOCK);
  }, 240_000);
});
