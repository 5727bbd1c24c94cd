/**
 * Flash sales as operators see them: joining and buying are rate-limited per user (RATE_LIMITED
 * and TryAgainLater with when to retry), a waiting shopper's ticket is read from Redis without
 * any SQL, and the product subgraph's /metrics carries queue length, admissions, sales and
 * token expiries per sale, dropping a sale's series when it ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckoutFlashSaleDocument, EndFlashSaleDocument, FlashSaleTicketDocument, JoinFlashSaleDocument } from '@platform/client';
import type { TestStack } from '@platform/e2e/support';
import { createProduct, expectType } from '@platform/testing';
import { ADMIN, TestClock, createSale, joinAll, saleTimes, startFlashStack, ticketOf, users } from './flash-helpers.ts';

const ADDRESS = { name: 'Ops Buyer', line1: '3 Temasek Boulevard', city: 'Singapore', postalCode: '038983', country: 'SG' };
const clock = new TestClock(new Date('2027-09-09T09:00:00.000Z'));
let stack: TestStack;

beforeAll(async () => {
  stack = await startFlashStack(clock, {
    // One join and one purchase attempt per shopper every 30 s, with one spare: the limit bites however slow the machine.
    env: { FLASH_SALE_JOIN_USER_RATE: '0.033', FLASH_SALE_JOIN_USER_BURST: '1', FLASH_SALE_BUY_USER_RATE: '0.033', FLASH_SALE_BUY_USER_BURST: '1' },
  });
});
afterAll(() => stack?.stop());

const metricsText = async () => (await fetch(new URL('/metrics', stack.subgraphs.product.url))).text();
const series = (text: string, name: string, saleId: string) => Number(new RegExp(`^${name}\\{[^}]*sale="${saleId}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);

describe('limits', () => {
  it('answers a shopper who keeps joining with RATE_LIMITED and when to retry, and one who keeps buying with TryAgainLater', async () => {
    const product = await createProduct(stack, { stock: 5 });
    const saleId = await createSale(stack, { productId: product.id, price: '2.00', allocation: 5, ...saleTimes(clock.now(), 1_000) });
    const attempts = await Promise.all(Array.from({ length: 4 }, () => stack.request(JoinFlashSaleDocument, { saleId }, { user: 'eager-joiner' })));
    const limited = attempts.filter((a) => a.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    expect(attempts.length - limited.length).toBe(2);
    expect(limited.map((a) => a.errors?.[0]?.extensions?.retryAfterSeconds)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(limited.map((a) => a.errors?.[0]?.extensions?.retryAfterSeconds as number).filter((s) => s < 1 || s > 31)).toEqual([]);
    expect(attempts.filter((a) => a.data?.joinFlashSale).map((a) => a.data?.joinFlashSale.__typename)).toEqual(['FlashSaleTicket', 'FlashSaleTicket']);

    clock.advance(1_000);
    await stack.subgraphs.product.runFlashSaleJobs();
    const token = (await ticketOf(stack, saleId, 'eager-joiner'))!.purchaseToken!;
    const buys = await Promise.all(
      [1, 2, 3].map((n) =>
        stack.data(CheckoutFlashSaleDocument, { input: { saleId, purchaseToken: token, quantity: 1, idempotencyKey: `eager-${n}`, shippingAddress: ADDRESS, paymentToken: 'tok_ok' } }, { user: 'eager-joiner' }),
      ),
    );
    const outcomes = buys.map((b) => b.checkoutFlashSale.__typename).sort();
    // Two attempts get through (one buys, the other finds its token spent or in use); the third is turned away.
    expect(outcomes.filter((o) => o === 'TryAgainLater')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'Order')).toHaveLength(1);
    const tryLater = buys.map((b) => b.checkoutFlashSale).find((r) => r.__typename === 'TryAgainLater');
    expect(expectType(tryLater, 'TryAgainLater').retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });
});

describe('reads and metrics', () => {
  it('reads a waiting shopper’s ticket from Redis alone, without any SQL', async () => {
    const product = await createProduct(stack, { stock: 5 });
    const saleId = await createSale(stack, { productId: product.id, price: '2.00', allocation: 5, ...saleTimes(clock.now(), 60_000) });
    await joinAll(stack, saleId, users('reader', 3), 1);
    // Warm the sale's process-local copy, then read again within its second.
    await stack.data(FlashSaleTicketDocument, { saleId }, { user: 'reader-00002' });
    const before = stack.subgraphs.product.sql.count;
    const ticket = (await stack.data(FlashSaleTicketDocument, { saleId }, { user: 'reader-00002' })).flashSaleTicket;
    const ran = stack.subgraphs.product.sql.count - before;
    expect(ticket).toMatchObject({ status: 'WAITING', position: 3 });
    expect(ran).toBe(0);
    await stack.data(EndFlashSaleDocument, { id: saleId }, ADMIN);
  });

  it('exposes queue length, admissions, units sold and token expiries per sale on /metrics, and drops them when the sale ends', async () => {
    const product = await createProduct(stack, { stock: 10 });
    const saleId = await createSale(stack, { productId: product.id, price: '2.00', allocation: 2, admissionsPerSecond: 10, ...saleTimes(clock.now(), 1_000) });
    const shoppers = users('metrics', 5);
    await joinAll(stack, saleId, shoppers, 1);
    clock.advance(1_000);
    await stack.subgraphs.product.runFlashSaleJobs();
    const token = (await ticketOf(stack, saleId, shoppers[0]!))!.purchaseToken!;
    expectType(
      (await stack.data(CheckoutFlashSaleDocument, { input: { saleId, purchaseToken: token, quantity: 1, idempotencyKey: 'metrics-buy', shippingAddress: ADDRESS, paymentToken: 'tok_ok' } }, { user: shoppers[0]! })).checkoutFlashSale,
      'Order',
    );
    clock.advance(120_000);
    await stack.subgraphs.product.runFlashSaleJobs();

    const text = await metricsText();
    expect({
      joins: series(text, 'flash_sale_joins_total', saleId),
      queue: series(text, 'flash_sale_queue_length', saleId),
      admissions: series(text, 'flash_sale_admissions_total', saleId),
      sold: series(text, 'flash_sale_units_sold_total', saleId),
      expiries: series(text, 'flash_sale_token_expiries_total', saleId),
    }).toEqual({ joins: 5, queue: 2, admissions: 3, sold: 1, expiries: 1 });
    expect(text).toMatch(/# HELP flash_sale_admissions_total .*bounded because sales are few and admin-created/);

    await stack.data(EndFlashSaleDocument, { id: saleId }, ADMIN);
    expect((await metricsText()).split('\n').filter((line) => line.includes(saleId))).toEqual([]);
  });
});
