import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@platform/e2e/support';
import { createProduct, sql, type FixtureProduct } from '@platform/testing';
import { checkout, fillCart, startOrderStack, stockOf, unitsOrdered, type CheckoutResult } from './helpers.ts';

const BUYERS = 200;
const STOCK = 5;

let stack: TestStack;
let product: FixtureProduct;
const versions = new Map<string, number>();
const buyer = (i: number) => `rush-buyer-${i}`;

beforeAll(async () => {
  // This test proves there is no oversell, not latency (that is the bench's job): two cores run two
  // stacks and the load generator, and 200 checkouts queue on one inventory row, so the time
  // budgets are raised to keep a starved CPU from turning into timeouts.
  stack = await startOrderStack({ DATABASE_POOL_SIZE: '10', SUBGRAPH_TIMEOUT_MS: '30000', INTERNAL_CALL_TIMEOUT_MS: '30000' });
  product = await createProduct(stack, { name: 'Limited edition kaya toaster', price: '59.00', stock: STOCK });
  for (let i = 0; i < BUYERS; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, async (_, j) => {
        versions.set(buyer(i + j), await fillCart(stack, buyer(i + j), [{ productId: product.id, quantity: 1 }]));
      }),
    );
  }
}, 180_000);
afterAll(() => stack?.stop());

describe('no oversell', () => {
  it(`${BUYERS} concurrent checkouts by ${BUYERS} users for ${STOCK} units: exactly ${STOCK} orders and ${BUYERS - STOCK} OutOfStock`, async () => {
    const results: CheckoutResult[] = await Promise.all(Array.from({ length: BUYERS }, (_, i) => checkout(stack, buyer(i), { expectedCartVersion: versions.get(buyer(i))! })));

    const byType = new Map<string, number>();
    for (const r of results) byType.set(r.__typename, (byType.get(r.__typename) ?? 0) + 1);
    expect(Object.fromEntries(byType)).toEqual({ Order: STOCK, OutOfStock: BUYERS - STOCK });
    const shortages = results.flatMap((r) => (r.__typename === 'OutOfStock' ? [r.lines] : []));
    expect(shortages).toEqual(Array(BUYERS - STOCK).fill([{ productId: product.id, requested: 1, available: 0 }]));

    // What the databases say: on hand 0, nothing left reserved, every unit either on hand or sold.
    const stock = await stockOf(stack, product.id);
    const sold = await unitsOrdered(stack, product.id);
    expect(stock).toEqual({ onHand: 0, reserved: 0 });
    expect(sold).toBe(STOCK);
    expect(stock.onHand + sold).toBe(STOCK);
    // The audit trail of every stock change never shows a negative or over-reserved level.
    const [trail] = await sql<{ minOnHand: number; maxOverReserved: number; moves: number }>(
      stack.db.url,
      `SELECT min("onHandAfter")::int AS "minOnHand", max("reservedAfter" - "onHandAfter")::int AS "maxOverReserved", count(*)::int AS moves
         FROM catalog."StockMovement" WHERE "productId" = $1`,
      [product.id],
    );
    expect(trail!.minOnHand).toBeGreaterThanOrEqual(0);
    expect(trail!.maxOverReserved).toBeLessThanOrEqual(0);

    // One charge per order, none for the buyers who missed out.
    const [payments] = await sql<{ charges: number; orders: number }>(
      stack.db.url,
      `SELECT (SELECT count(*)::int FROM orders."Payment" WHERE kind = 'CHARGE' AND status = 'SUCCEEDED') AS charges,
              (SELECT count(*)::int FROM orders."Order" WHERE status = 'PAID') AS orders`,
    );
    expect(payments).toEqual({ charges: STOCK, orders: STOCK });
  }, 120_000);
});
