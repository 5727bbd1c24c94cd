/**
 * Flash sales end to end through the gateway, with the product subgraph's clock in the test's
 * hands: creating a sale moves its allocation out of sellable stock, the queue admits in join
 * order at the sale's rate, tokens hold units until they lapse, ending returns what is unsold.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EndFlashSaleDocument, FlashSaleDocument, FlashSaleStatsDocument, FlashSalesDocument, JoinFlashSaleDocument } from '@platform/client';
import type { TestStack } from '@platform/e2e/support';
import { createProduct, expectEachType, expectType, sql } from '@platform/testing';
import { ADMIN, TestClock, createSale, endOpenSales, joinAll, poolOf, saleTimes, startFlashStack, stockOf, ticketOf, ticketsOf, users } from './flash-helpers.ts';

const clock = new TestClock(new Date('2027-03-01T12:00:00.000Z'));
let stack: TestStack;

beforeAll(async () => {
  stack = await startFlashStack(clock);
});
afterAll(() => stack?.stop());
// The job runs every open sale: each test ends its own, so the next one counts only its sale.
afterEach(() => endOpenSales(stack));

const codes = (errors: { extensions?: Record<string, unknown> }[] | undefined) => errors?.map((e) => [e.extensions?.code, e.extensions?.field]);

describe('creating and ending a sale', () => {
  it('moves the allocation out of sellable stock in one step with an audit row, and ending returns every unsold unit', async () => {
    const product = await createProduct(stack, { stock: 50, price: '20.00' });
    const saleId = await createSale(stack, { productId: product.id, price: '9.90', allocation: 30, ...saleTimes(clock.now()) });

    expect(await stockOf(stack, product.id)).toEqual({ onHand: 20, reserved: 0 });
    expect(await poolOf(stack, saleId)).toEqual({ allocation: 30, available: 30, held: 0, sold: 0, returned: 0 });
    const { product: view } = await stack.data<{ product: { availability: { availableQuantity: number } } }>('query ($id: ID!) { product(id: $id) { availability { availableQuantity } } }', { id: product.id });
    expect(view.availability.availableQuantity).toBe(20);
    const { flashSale } = await stack.data(FlashSaleDocument, { id: saleId });
    expect(flashSale).toMatchObject({ status: 'QUEUEING', allocation: 30, remaining: 30, perBuyerLimit: 1, admissionsPerSecond: 50, price: { amount: '9.90', currencyCode: 'SGD' }, product: { id: product.id } });

    const ended = (await stack.data(EndFlashSaleDocument, { id: saleId }, ADMIN)).endFlashSale;
    expect(ended).toMatchObject({ status: 'ENDED', remaining: 0 });
    expect(await stockOf(stack, product.id)).toEqual({ onHand: 50, reserved: 0 });
    expect(await poolOf(stack, saleId)).toEqual({ allocation: 30, available: 0, held: 0, sold: 0, returned: 30 });
    const moves = await sql<{ reason: string; onHandDelta: number; onHandAfter: number }>(
      stack.db.url,
      `SELECT reason::text, "onHandDelta", "onHandAfter" FROM catalog."StockMovement" WHERE "productId" = $1 AND reason::text LIKE 'FLASH_SALE_%' ORDER BY id`,
      [product.id],
    );
    expect(moves).toEqual([
      { reason: 'FLASH_SALE_ALLOCATE', onHandDelta: -30, onHandAfter: 20 },
      { reason: 'FLASH_SALE_RETURN', onHandDelta: 30, onHandAfter: 50 },
    ]);
    // Ending an ended sale changes nothing.
    await stack.data(EndFlashSaleDocument, { id: saleId }, ADMIN);
    expect(await stockOf(stack, product.id)).toEqual({ onHand: 50, reserved: 0 });
  });

  it('refuses an allocation above sellable stock (on hand minus reserved) with BAD_USER_INPUT on input.allocation, and writes nothing', async () => {
    const product = await createProduct(stack, { stock: 10 });
    const before = await sql(stack.db.url, 'SELECT count(*)::int AS n FROM catalog."FlashSale"');
    const refused = await stack.request(
      'mutation ($input: FlashSaleInput!) { createFlashSale(input: $input) { id } }',
      { input: { productId: product.id, price: '1.00', allocation: 11, ...saleTimes(clock.now()) } },
      ADMIN,
    );
    expect(codes(refused.errors)).toEqual([['BAD_USER_INPUT', 'input.allocation']]);
    expect(refused.errors?.[0]?.message).toMatch(/Only 10 units/);
    expect(await stockOf(stack, product.id)).toEqual({ onHand: 10, reserved: 0 });
    expect(await sql(stack.db.url, 'SELECT count(*)::int AS n FROM catalog."FlashSale"')).toEqual(before);
  });

  it.each([
    [{ price: '-1.00' }, 'input.price'],
    [{ price: '1.001' }, 'input.price'],
    [{ allocation: 0 }, 'input.allocation'],
    [{ perBuyerLimit: 6 }, 'input.perBuyerLimit'],
    [{ admissionsPerSecond: 0 }, 'input.admissionsPerSecond'],
    [{ startsAt: '2027-03-01T11:00:00.000Z' }, 'input.queueOpensAt'],
    [{ endsAt: '2027-03-01T12:00:30.000Z' }, 'input.endsAt'],
    [{ productId: 'not-a-product' }, 'input.productId'],
  ])('refuses %o as BAD_USER_INPUT naming %s', async (change, field) => {
    const product = await createProduct(stack, { stock: 10 });
    const refused = await stack.request(
      'mutation ($input: FlashSaleInput!) { createFlashSale(input: $input) { id } }',
      { input: { productId: product.id, price: '1.00', allocation: 5, ...saleTimes(clock.now()), ...change } },
      ADMIN,
    );
    expect(codes(refused.errors)).toEqual([['BAD_USER_INPUT', field]]);
    expect(await stockOf(stack, product.id)).toEqual({ onHand: 10, reserved: 0 });
  });

  it('lets only administrators create and end sales and read their counts (FORBIDDEN otherwise)', async () => {
    const product = await createProduct(stack, { stock: 10 });
    const input = { productId: product.id, price: '1.00', allocation: 5, ...saleTimes(clock.now()) };
    const asShopper = await stack.request('mutation ($input: FlashSaleInput!) { createFlashSale(input: $input) { id } }', { input }, { user: 'shopper' });
    expect(codes(asShopper.errors)).toEqual([['FORBIDDEN', undefined]]);
    const saleId = await createSale(stack, input);
    const stats = await stack.request(FlashSaleStatsDocument, { id: saleId }, { user: 'shopper' });
    expect(codes(stats.errors)).toEqual([['FORBIDDEN', undefined]]);
    const ending = await stack.request(EndFlashSaleDocument, { id: saleId }, { user: 'shopper' });
    expect(codes(ending.errors)).toEqual([['FORBIDDEN', undefined]]);
    expect((await stack.data(FlashSaleStatsDocument, { id: saleId }, ADMIN)).flashSale?.stats).toEqual({ sold: 0, waiting: 0, admitted: 0, expiredTokens: 0 });
  });
});

describe('the queue', () => {
  it('refuses guests (UNAUTHENTICATED) and joins before the queue opens (FlashSaleNotOpen)', async () => {
    const product = await createProduct(stack, { stock: 10 });
    const later = new Date(clock.now().getTime() + 600_000);
    const saleId = await createSale(stack, { productId: product.id, price: '1.00', allocation: 5, queueOpensAt: later.toISOString(), startsAt: later.toISOString(), endsAt: new Date(later.getTime() + 3_600_000).toISOString() });
    const guest = await stack.request(JoinFlashSaleDocument, { saleId }, { guest: await stack.guestToken() });
    expect(codes(guest.errors)).toEqual([['UNAUTHENTICATED', undefined]]);
    const early = expectType((await stack.data(JoinFlashSaleDocument, { saleId }, { user: 'early-bird' })).joinFlashSale, 'FlashSaleNotOpen');
    expect(early.queueOpensAt).toBe(later.toISOString());
    expect(await ticketsOf(stack, saleId)).toEqual([]);
    expect((await stack.data(FlashSalesDocument, { status: 'SCHEDULED' })).flashSales.map((s) => s.id)).toContain(saleId);
  });

  it('gives one ticket per user (joining again returns it) and places tickets in join order, each told its exact position', async () => {
    const product = await createProduct(stack, { stock: 10 });
    const saleId = await createSale(stack, { productId: product.id, price: '1.00', allocation: 5, admissionsPerSecond: 2, ...saleTimes(clock.now(), 10_000) });
    const shoppers = users('queue', 6);
    const first = [];
    for (const user of shoppers) first.push(expectType((await stack.data(JoinFlashSaleDocument, { saleId }, { user })).joinFlashSale, 'FlashSaleTicket'));
    expect(first.map((t) => [t.status, t.position, t.estimatedWaitSeconds])).toEqual([
      ['WAITING', 1, 11],
      ['WAITING', 2, 11],
      ['WAITING', 3, 12],
      ['WAITING', 4, 12],
      ['WAITING', 5, 13],
      ['WAITING', 6, 13],
    ]);
    const again = expectEachType(await joinAll(stack, saleId, [shoppers[3]!, shoppers[3]!, shoppers[0]!]), 'FlashSaleTicket');
    expect(again.map((t) => t.position)).toEqual([4, 4, 1]);
    expect((await ticketsOf(stack, saleId)).map((t) => t.userId)).toEqual(shoppers);
  });

  it('admits in join order at the admission rate once the sale starts, holding units with a purchase token, and tells the rest their new place', async () => {
    const product = await createProduct(stack, { stock: 10 });
    const saleId = await createSale(stack, { productId: product.id, price: '1.00', allocation: 3, admissionsPerSecond: 2, ...saleTimes(clock.now(), 10_000) });
    const shoppers = users('admit', 5);
    await joinAll(stack, saleId, shoppers, 1);

    // Before the start nothing is admitted.
    expect((await stack.subgraphs.product.runFlashSaleJobs()).admitted).toBe(0);
    clock.advance(10_000);
    expect((await stack.subgraphs.product.runFlashSaleJobs()).admitted).toBe(2);
    // The same second's budget is spent.
    expect((await stack.subgraphs.product.runFlashSaleJobs()).admitted).toBe(0);
    const [a, b, c] = await Promise.all(shoppers.slice(0, 3).map((u) => ticketOf(stack, saleId, u)));
    expect([a?.status, b?.status, c?.status]).toEqual(['ADMITTED', 'ADMITTED', 'WAITING']);
    expect(a?.purchaseToken).toMatch(/^ft1\./);
    expect(a?.purchaseTokenExpiresAt).toBe(new Date(clock.now().getTime() + 120_000).toISOString());
    expect([c?.position, c?.purchaseToken]).toEqual([1, null]);

    clock.advance(1_000);
    expect((await stack.subgraphs.product.runFlashSaleJobs()).admitted).toBe(1);
    // Three units, three admitted: the others wait for a token to lapse.
    clock.advance(1_000);
    expect((await stack.subgraphs.product.runFlashSaleJobs()).admitted).toBe(0);
    expect((await ticketsOf(stack, saleId)).map((t) => [t.userId, t.status, t.units])).toEqual([
      [shoppers[0], 'ADMITTED', 1],
      [shoppers[1], 'ADMITTED', 1],
      [shoppers[2], 'ADMITTED', 1],
      [shoppers[3], 'WAITING', 0],
      [shoppers[4], 'WAITING', 0],
    ]);
    expect(await poolOf(stack, saleId)).toMatchObject({ available: 0, held: 3 });
    expect((await ticketOf(stack, saleId, shoppers[4]!))?.position).toBe(2);
    expect((await stack.data(FlashSaleStatsDocument, { id: saleId }, ADMIN)).flashSale?.stats).toEqual({ sold: 0, waiting: 2, admitted: 3, expiredTokens: 0 });
  });

  it('returns a lapsed token’s units to the pool and admits the next ticket in its place', async () => {
    const product = await createProduct(stack, { stock: 10 });
    const saleId = await createSale(stack, { productId: product.id, price: '1.00', allocation: 1, admissionsPerSecond: 10, ...saleTimes(clock.now(), 1_000) });
    const shoppers = users('lapse', 3);
    await joinAll(stack, saleId, shoppers, 1);
    clock.advance(1_000);
    await stack.subgraphs.product.runFlashSaleJobs();
    expect((await ticketOf(stack, saleId, shoppers[0]!))?.status).toBe('ADMITTED');

    clock.advance(120_000);
    const report = await stack.subgraphs.product.runFlashSaleJobs();
    expect([report.expired, report.admitted]).toEqual([1, 1]);
    expect((await Promise.all(shoppers.map((u) => ticketOf(stack, saleId, u)))).map((t) => [t?.status, t?.position])).toEqual([
      ['EXPIRED', 0],
      ['ADMITTED', 0],
      ['WAITING', 1],
    ]);
    expect(await poolOf(stack, saleId)).toMatchObject({ available: 0, held: 1 });
    expect((await stack.data(FlashSaleStatsDocument, { id: saleId }, ADMIN)).flashSale?.stats).toEqual({ sold: 0, waiting: 1, admitted: 1, expiredTokens: 1 });
  });

  it('ends at endsAt by itself: lapses tokens, tells waiting tickets they missed out, and returns the units', async () => {
    const product = await createProduct(stack, { stock: 4 });
    const times = saleTimes(clock.now(), 1_000);
    const saleId = await createSale(stack, { productId: product.id, price: '1.00', allocation: 4, perBuyerLimit: 2, admissionsPerSecond: 1, ...times });
    const shoppers = users('ending', 3);
    await joinAll(stack, saleId, shoppers, 1);
    clock.advance(1_000);
    await stack.subgraphs.product.runFlashSaleJobs();
    clock.set(new Date(times.endsAt));
    expect((await stack.subgraphs.product.runFlashSaleJobs()).ended).toBe(1);
    expect((await Promise.all(shoppers.map((u) => ticketOf(stack, saleId, u)))).map((t) => t?.status)).toEqual(['EXPIRED', 'SOLD_OUT', 'SOLD_OUT']);
    expect(await stockOf(stack, product.id)).toEqual({ onHand: 4, reserved: 0 });
    expectType((await stack.data(JoinFlashSaleDocument, { saleId }, { user: 'too-late' })).joinFlashSale, 'FlashSaleEnded');
    expect((await stack.data(FlashSaleDocument, { id: saleId })).flashSale?.status).toBe('ENDED');
  });
});
