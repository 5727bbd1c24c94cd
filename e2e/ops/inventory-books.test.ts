/**
 * The inventory invariant on real data: on hand + reserved + sold = received, per product
 * (`subgraphs/product/src/data/inventory-books.ts`), read from the product subgraph's `/metrics`
 * as `inventory_invariant_violations`, next to the audit-log check `inventory_audit_mismatches`.
 * After checkouts paid, declined and cancelled, a stock count and a flash sale with a unit sold
 * and a unit held, both read 0; a row corrupted by direct SQL is reported, including a change the
 * audit log alone cannot see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelOrderDocument, CheckoutFlashSaleDocument } from '@platform/client';
import type { TestStack } from '@platform/e2e/support';
import { createProduct, expectType, setStock, sql, type FixtureProduct } from '@platform/testing';
import { TestClock, createSale, joinAll, poolOf, saleTimes, startFlashStack, ticketOf } from '../../subgraphs/product/test/flash-helpers.ts';
import { ADDRESS, checkout, fillCart } from '../../subgraphs/order/test/helpers.ts';

const clock = new TestClock(new Date('2027-05-01T08:00:00.000Z'));
let stack: TestStack;
let a: FixtureProduct;
let b: FixtureProduct;
let flashProduct: FixtureProduct;
let saleId: string;

beforeAll(async () => {
  stack = await startFlashStack(clock, { env: { INVENTORY_CHECK_INTERVAL_MS: '0', CART_ABANDONED_SCAN_INTERVAL_MS: '0' } });
  [a, b, flashProduct] = await Promise.all([createProduct(stack, { stock: 10 }), createProduct(stack, { stock: 6 }), createProduct(stack, { stock: 8, price: '25.00' })]);

  // Paid: 2 of a and 1 of b sold.
  const paid = await checkout(stack, 'books-paid', { expectedCartVersion: await fillCart(stack, 'books-paid', [{ productId: a.id, quantity: 2 }, { productId: b.id, quantity: 1 }]) });
  expectType(paid, 'Order');
  // Paid, then cancelled: 1 of a sold and returned.
  const cancelled = expectType(await checkout(stack, 'books-cancel', { expectedCartVersion: await fillCart(stack, 'books-cancel', [{ productId: a.id, quantity: 1 }]) }), 'Order');
  await stack.data(CancelOrderDocument, { id: cancelled.id }, { user: 'books-cancel' });
  // Declined: 2 of b reserved, then released.
  expectType(await checkout(stack, 'books-declined', { paymentToken: 'tok_declined', expectedCartVersion: await fillCart(stack, 'books-declined', [{ productId: b.id, quantity: 2 }]) }), 'PaymentDeclined');
  // A stock count: b received 3 more.
  await setStock(stack, b.id, 8);

  // A flash sale of 3: one shopper buys 1, another is admitted and holds 1, one unit stays free.
  saleId = await createSale(stack, { productId: flashProduct.id, price: '9.90', allocation: 3, perBuyerLimit: 1, admissionsPerSecond: 100, ...saleTimes(clock.now(), 1_000) });
  await joinAll(stack, saleId, ['books-flash-buyer', 'books-flash-holder'], 1);
  clock.advance(1_000);
  await stack.subgraphs.product.runFlashSaleJobs();
  const token = (await ticketOf(stack, saleId, 'books-flash-buyer'))?.purchaseToken;
  const bought = await stack.data(CheckoutFlashSaleDocument, { input: { saleId, purchaseToken: token!, quantity: 1, idempotencyKey: 'books-flash-1', shippingAddress: ADDRESS, paymentToken: 'tok_ok' } }, { user: 'books-flash-buyer' });
  expectType(bought.checkoutFlashSale, 'Order');
});
afterAll(async () => {
  await stack?.stop();
});

/** The two inventory gauges as the product subgraph's `/metrics` shows them now. */
async function books(): Promise<{ violations: number; auditMismatches: number }> {
  const text = await (await fetch(`http://127.0.0.1:${stack.subgraphs.product.port}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name}\\{service="product"\\} (\\S+)$`, 'm').exec(text)?.[1]);
  return { violations: value('inventory_invariant_violations'), auditMismatches: value('inventory_audit_mismatches') };
}

const statuses = async (productId: string) =>
  (await sql<{ status: string; quantity: number }>(stack.db.url, `SELECT status::text AS status, quantity FROM catalog."Reservation" WHERE "productId" = $1 ORDER BY status`, [productId])).map((r) => `${r.status} ${r.quantity}`);

describe('the inventory invariant (on hand + reserved + sold = received)', () => {
  it('balances after paid, cancelled and declined checkouts, a stock count and a flash sale', async () => {
    // The data really has every term: sold, returned, released, a count, a pool with sold, held and free units.
    expect(await statuses(a.id)).toEqual(['CONSUMED 2', 'RETURNED 1']);
    expect(await statuses(b.id)).toEqual(['CONSUMED 1', 'RELEASED 2']);
    expect(await poolOf(stack, saleId)).toEqual({ allocation: 3, available: 1, held: 1, sold: 1, returned: 0 });
    expect(await books()).toEqual({ violations: 0, auditMismatches: 0 });
  });

  it('reports a product whose reservation is marked sold behind the books, which the audit log cannot see, and one whose stock changed without a movement', async () => {
    // b: the released reservation of 2 now claims to be sold; Inventory and the audit log are untouched.
    await sql(stack.db.url, `UPDATE catalog."Reservation" SET status = 'CONSUMED' WHERE "productId" = $1 AND status = 'RELEASED'`, [b.id]);
    expect(await books()).toEqual({ violations: 1, auditMismatches: 0 });
    // a: a unit vanishes from stock with no movement: both checks see it.
    await sql(stack.db.url, `UPDATE catalog."Inventory" SET "onHand" = "onHand" - 1 WHERE "productId" = $1`, [a.id]);
    expect(await books()).toEqual({ violations: 2, auditMismatches: 1 });
    // The flash sale's product: Inventory claims a unit reserved that no reservation holds.
    await sql(stack.db.url, `UPDATE catalog."Inventory" SET reserved = reserved + 1 WHERE "productId" = $1`, [flashProduct.id]);
    expect(await books()).toEqual({ violations: 3, auditMismatches: 2 });
  });
});
