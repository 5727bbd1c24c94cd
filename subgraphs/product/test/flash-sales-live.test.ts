/**
 * Live ticket status end to end: real graphql-ws devices on the real gateway, the product
 * subgraph publishing ticket changes on Redis, the gateway re-reading each subscriber's own
 * selection as its owner. A subscriber sees its position fall (at most once a second), then
 * ADMITTED with its token and PURCHASED; the shopper behind sees SOLD_OUT the moment it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormattedExecutionResult } from 'graphql';
import { print } from 'graphql';
import { CheckoutFlashSaleDocument, FlashSaleTicketUpdatedDocument, type FlashSaleTicketUpdatedSubscription } from '@platform/client';
import { connectDevice, type Device, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, waitUntil } from '@platform/testing';
import { TestClock, createSale, joinAll, saleTimes, startFlashStack, users } from './flash-helpers.ts';

const clock = new TestClock(new Date('2027-05-01T09:00:00.000Z'));
let stack: TestStack;
const devices: Device[] = [];

beforeAll(async () => {
  stack = await startFlashStack(clock);
});
afterAll(async () => {
  await Promise.all(devices.map((d) => d.disconnect()));
  await stack?.stop();
});

type Ticket = FlashSaleTicketUpdatedSubscription['flashSaleTicket'];
interface Arrival {
  at: number;
  ticket: Ticket | undefined;
  result: FormattedExecutionResult<FlashSaleTicketUpdatedSubscription, unknown>;
}

/** Subscribes `user` to their ticket on a fresh device; every payload with its arrival time. */
async function follow(user: string, saleId: string) {
  const device = connectDevice(stack.url, { token: await stack.userToken(user) });
  devices.push(device);
  await device.acknowledged;
  const arrivals: Arrival[] = [];
  device.client.subscribe<FlashSaleTicketUpdatedSubscription>(
    { query: print(FlashSaleTicketUpdatedDocument), variables: { saleId } },
    { next: (result) => void arrivals.push({ at: Date.now(), ticket: result.data?.flashSaleTicket, result }), error: () => undefined, complete: () => undefined },
  );
  await waitUntil(() => stack.gateway.subscriptions.liveFlashTickets(saleId, user) === 1, `${user}'s live ticket subscription`);
  const until = (what: string, check: (ticket: Ticket) => boolean, timeoutMs = 5_000) =>
    waitUntil(() => arrivals.some((a) => a.ticket && check(a.ticket)), () => `${user}: ${what} (got ${JSON.stringify(arrivals.map((a) => [a.ticket?.status, a.ticket?.position]))})`, timeoutMs);
  return { arrivals, until };
}

describe('Subscription.flashSaleTicket', () => {
  it('pushes the position as it falls, ADMITTED with the token, then PURCHASED; the shopper behind sees SOLD_OUT at once', async () => {
    const product = await createProduct(stack, { stock: 1 });
    const saleId = await createSale(stack, { productId: product.id, price: '5.00', allocation: 1, admissionsPerSecond: 1, ...saleTimes(clock.now(), 1_000) });
    const [a, b, c, d, e] = users('live', 5) as [string, string, string, string, string];
    await joinAll(stack, saleId, [a, b, c, d, e], 1);

    const watchD = await follow(d, saleId);
    const watchE = await follow(e, saleId);
    await watchD.until('position 4', (t) => t.status === 'WAITING' && t.position === 4);
    await watchE.until('position 5', (t) => t.position === 5);

    // The sale starts (a admitted), then a's and b's tokens lapse in quick succession, each admitting the next.
    clock.advance(1_000);
    await stack.subgraphs.product.runFlashSaleJobs();
    for (let i = 0; i < 2; i++) {
      clock.advance(120_000);
      await stack.subgraphs.product.runFlashSaleJobs();
    }
    await watchD.until('position 1', (t) => t.position === 1);
    const positions = watchD.arrivals.filter((x) => x.ticket?.status === 'WAITING');
    const seen = positions.map((x) => x.ticket!.position);
    expect(seen).toEqual([...seen].sort((p, q) => q - p));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.at(-1)).toBe(1);
    // At most one position update a second (the queue moved three times within well under a second).
    const gaps = positions.slice(1).map((x, i) => x.at - positions[i]!.at);
    expect(gaps.filter((gap) => gap < 990)).toEqual([]);

    // c's token lapses: d is admitted and hears it without waiting out the interval.
    clock.advance(120_000);
    const admittedAt = Date.now();
    await stack.subgraphs.product.runFlashSaleJobs();
    await watchD.until('ADMITTED', (t) => t.status === 'ADMITTED');
    const admitted = watchD.arrivals.find((x) => x.ticket?.status === 'ADMITTED')!;
    expect(admitted.at - admittedAt).toBeLessThan(990);
    expect(admitted.ticket).toMatchObject({ position: 0, estimatedWaitSeconds: 0, purchaseToken: expect.stringMatching(/^ft1\./) });
    expect(watchE.arrivals.every((x) => x.ticket?.purchaseToken === null)).toBe(true);

    const order = (
      await stack.data(
        CheckoutFlashSaleDocument,
        { input: { saleId, purchaseToken: admitted.ticket!.purchaseToken!, quantity: 1, idempotencyKey: 'live-buy', paymentToken: 'tok_ok', shippingAddress: { name: 'D', line1: '1 Orchard Road', city: 'Singapore', postalCode: '238823', country: 'SG' } } },
        { user: d },
      )
    ).checkoutFlashSale;
    expectType(order, 'Order');
    await watchD.until('PURCHASED', (t) => t.status === 'PURCHASED');
    await watchE.until('SOLD_OUT', (t) => t.status === 'SOLD_OUT');
    expect(watchD.arrivals.map((x) => x.ticket?.status).filter((s, i, all) => s !== all[i - 1])).toEqual(['WAITING', 'ADMITTED', 'PURCHASED']);
    expect(watchE.arrivals.at(-1)?.ticket).toMatchObject({ status: 'SOLD_OUT', position: 0, sale: { status: 'SOLD_OUT', remaining: 0 } });
    expect(watchD.arrivals.flatMap((x) => x.result.errors ?? [])).toEqual([]);
  });

  it('refuses a guest connection’s ticket subscription with UNAUTHENTICATED', async () => {
    const device = connectDevice(stack.url, { guest: await stack.guestToken() });
    devices.push(device);
    await device.acknowledged;
    const sub = device.subscribe(FlashSaleTicketUpdatedDocument, { saleId: '0190a0f0-0000-7000-8000-000000000000' });
    const ended = await sub.ended;
    expect(ended.completed).toBe(false);
    expect(JSON.stringify(ended)).toContain('UNAUTHENTICATED');
  });
});
