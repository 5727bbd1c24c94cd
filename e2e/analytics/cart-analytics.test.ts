/**
 * Cart analytics end to end: five shoppers in three countries drive real carts and orders
 * through the gateway on a controlled clock, the analytics consumer catches up from the stream
 * (waited on by its lag), and `cartAnalytics` answers exact numbers: conversions, removals,
 * median and p90 time to checkout, adds per local hour in each country, abandonment. A replayed
 * event changes nothing, and a backfill from the stream arrives at the same answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartAnalyticsDocument, CheckoutDocument, RemoveCartLineDocument, SetShippingCountryDocument } from '@platform/client';
import { createLogger } from '@platform/logger';
import { backfillAnalytics } from '@subgraph/cart/backfill';
import { loadCartConfig } from '@subgraph/cart/config';
import { readStream, startStack, waitForConsumers, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, sql, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let now = new Date('2026-11-20T02:00:00Z');
let p1: FixtureProduct, p2: FixtureProduct, p3: FixtureProduct;
const ADMIN = { user: 'analyst', role: 'admin' } as const;
const DAY = { from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z' };

const at = (iso: string) => (now = new Date(iso));
const address = (country: string) => ({ name: 'Shopper', line1: '1 Main Road', city: 'Capital', postalCode: '10000', country });

/** A shopper's cart, acting at the clock's time. */
function shopper(user: string) {
  let version = 0;
  const lines = new Map<string, string>();
  type Result = { __typename: string; version?: number; lines?: { id: string; product: { id: string } }[] };
  const cart = (result: Result) => {
    const c = expectType(result as Result & { __typename: 'Cart'; version: number; lines: { id: string; product: { id: string } }[] }, 'Cart');
    version = c.version;
    c.lines.forEach((l) => lines.set(l.product.id, l.id));
  };
  return {
    country: async (country: string) => cart((await stack.data(SetShippingCountryDocument, { input: { country } }, { user })).setShippingCountry),
    add: async (p: FixtureProduct) => cart((await stack.data(AddCartLineDocument, { input: { productId: p.id, quantity: 1 } }, { user })).addCartLine),
    remove: async (p: FixtureProduct) => cart((await stack.data(RemoveCartLineDocument, { input: { lineId: lines.get(p.id)! } }, { user })).removeCartLine),
    checkout: async (country: string) => {
      const placed = await stack.data(CheckoutDocument, { input: { idempotencyKey: `${user}-${version}`, expectedCartVersion: version, shippingAddress: address(country), paymentToken: 'tok_ok' } }, { user });
      expectType(placed.checkout, 'Order');
    },
  };
}

const analytics = async (window: { from: string; to: string; country?: string }) => (await stack.data(CartAnalyticsDocument, { ...window, first: 10 }, ADMIN)).cartAnalytics;

beforeAll(async () => {
  stack = await startStack({ now: () => now, orderNow: () => now, env: { CART_ABANDONED_SCAN_INTERVAL_MS: '0', CHECKOUT_RECOVERY_INTERVAL_MS: '0' } });
  [p1, p2, p3] = [await createProduct(stack, { stock: 100 }), await createProduct(stack, { stock: 100 }), await createProduct(stack, { stock: 100 })];
  const ph1 = shopper('an-ph-1');
  const th1 = shopper('an-th-1');
  const th2 = shopper('an-th-2');
  const sg1 = shopper('an-sg-1');
  const ph2 = shopper('an-ph-2');
  // Philippines (UTC+8): three adds at 10 local, two removals, checkout after 840 s.
  at('2026-11-20T02:00:00Z'), await ph1.country('PH');
  at('2026-11-20T02:10:00Z'), await ph1.add(p1);
  at('2026-11-20T02:11:00Z'), await ph1.add(p2);
  at('2026-11-20T02:12:00Z'), await ph1.remove(p1);
  at('2026-11-20T02:13:00Z'), await ph1.remove(p2);
  at('2026-11-20T02:14:00Z'), await ph1.add(p2);
  at('2026-11-20T02:24:00Z'), await ph1.checkout('PH');
  // Thailand (UTC+7): adds at 09 local, one removal, checkout after 1800 s (in the next hour).
  at('2026-11-20T02:30:00Z'), await th1.country('TH');
  at('2026-11-20T02:35:00Z'), await th1.add(p1);
  at('2026-11-20T02:40:00Z'), await th1.add(p2);
  at('2026-11-20T02:50:00Z'), await th1.remove(p2);
  at('2026-11-20T03:05:00Z'), await th1.checkout('TH');
  // Thailand: adds at 10 local, checkout after 1200 s.
  at('2026-11-20T03:10:00Z'), await th2.country('TH');
  await th2.add(p1);
  at('2026-11-20T03:15:00Z'), await th2.add(p3);
  at('2026-11-20T03:30:00Z'), await th2.checkout('TH');
  // No shipping country: the store's default (SG, UTC+8); never checked out.
  at('2026-11-20T04:00:00Z'), await sg1.add(p1);
  // Philippines: an add at 13 local, never checked out.
  at('2026-11-20T05:00:00Z'), await ph2.country('PH');
  await ph2.add(p3);
  await waitForConsumers(stack);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

describe('cartAnalytics', () => {
  it('answers a day for every country with exact counts, conversions, removals, checkout times, local hours and abandonment', async () => {
    expect(await analytics(DAY)).toEqual({
      cartsCreated: 5,
      cartsCheckedOut: 3,
      abandonmentRate: 0.4,
      // 840, 1200, 1800 s.
      medianSecondsToCheckout: 1200,
      p90SecondsToCheckout: 1800,
      addedNotPurchased: [
        { product: { id: p2.id }, added: 3, purchased: 1, conversionRate: 1 / 3 },
        { product: { id: p1.id }, added: 4, purchased: 2, conversionRate: 0.5 },
        { product: { id: p3.id }, added: 2, purchased: 1, conversionRate: 0.5 },
      ],
      mostRemoved: [
        { product: { id: p2.id }, count: 2 },
        { product: { id: p1.id }, count: 1 },
      ],
      addsByHour: [
        { country: 'PH', hour: 10, adds: 3 },
        { country: 'PH', hour: 13, adds: 1 },
        { country: 'SG', hour: 12, adds: 1 },
        { country: 'TH', hour: 9, adds: 2 },
        { country: 'TH', hour: 10, adds: 2 },
      ],
    });
  });

  it('narrows to one country', async () => {
    const th = await analytics({ ...DAY, country: 'TH' });
    expect({ created: th.cartsCreated, checkedOut: th.cartsCheckedOut, abandonment: th.abandonmentRate, median: th.medianSecondsToCheckout, p90: th.p90SecondsToCheckout }).toEqual({
      created: 2,
      checkedOut: 2,
      abandonment: 0,
      median: 1200,
      p90: 1800,
    });
    expect(th.addsByHour).toEqual([
      { country: 'TH', hour: 9, adds: 2 },
      { country: 'TH', hour: 10, adds: 2 },
    ]);
    expect(th.mostRemoved).toEqual([{ product: { id: p2.id }, count: 1 }]);
  });

  it('narrows to a window of hours (from rounded down to its hour, to exclusive)', async () => {
    const hour = await analytics({ from: '2026-11-20T03:20:00Z', to: '2026-11-20T04:00:00Z' });
    // Hour 03: one cart started (TH 2), two checked out (TH 1 and 2): abandonment is never negative.
    expect([hour.cartsCreated, hour.cartsCheckedOut, hour.abandonmentRate, hour.medianSecondsToCheckout]).toEqual([1, 2, 0, 1200]);
    expect(hour.addsByHour).toEqual([{ country: 'TH', hour: 10, adds: 2 }]);
    // Whole days come from the daily rollups, the hours around them from the hourly ones: the same numbers.
    expect(await analytics({ from: '2026-11-19T12:00:00Z', to: '2026-11-21T12:00:00Z' })).toEqual(await analytics(DAY));
    const tail = await analytics({ from: '2026-11-20T03:00:00Z', to: '2026-11-22T00:00:00Z' });
    expect([tail.cartsCreated, tail.cartsCheckedOut, tail.medianSecondsToCheckout, tail.mostRemoved]).toEqual([3, 2, 1200, []]);
    expect(tail.addedNotPurchased.map((r) => [r.product.id, r.added, r.purchased])).toEqual([
      [p3.id, 2, 1],
      [p1.id, 2, 2],
    ]);
    const empty = await analytics({ from: '2026-11-19T00:00:00Z', to: '2026-11-20T00:00:00Z' });
    expect([empty.cartsCreated, empty.abandonmentRate, empty.medianSecondsToCheckout, empty.addsByHour]).toEqual([0, 0, null, []]);
  });

  it('is for administrators only, and refuses a reversed window', async () => {
    const shopperResult = await stack.request(CartAnalyticsDocument, { ...DAY }, { user: 'an-th-1' });
    expect(shopperResult.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const reversed = await stack.request(CartAnalyticsDocument, { from: DAY.to, to: DAY.from }, ADMIN);
    expect(reversed.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('a replayed event changes no number', async () => {
    const before = await analytics(DAY);
    const reader = await readStream(stack.events);
    try {
      const events = await reader.waitFor((all) => all.filter((e) => e.type === 'cart.checked_out').length >= 3, 'the three checkouts');
      const applied = await Promise.all(events.map((e) => stack.subgraphs.cart.analytics.handle(e)));
      expect(applied.filter(Boolean)).toEqual([]);
    } finally {
      await reader.close();
    }
    expect(await analytics(DAY)).toEqual(before);
  });

  it('a backfill from the stream into emptied tables equals the incremental result', async () => {
    const tables = ['AnalyticsProductHour', 'AnalyticsProductDay', 'AnalyticsCartHour', 'AnalyticsAddsHour', 'AnalyticsCheckoutDuration', 'AnalyticsCheckoutDurationDay'];
    const dump = () => Promise.all(tables.map((t) => sql(stack.db.url, `SELECT * FROM cart."${t}" ORDER BY 1, 2, 3`)));
    const before = await analytics(DAY);
    const rows = await dump();
    const report = await backfillAnalytics(loadCartConfig(stack.env), createLogger('backfill', { level: 'silent' }));
    expect(report.read).toBeGreaterThan(0);
    expect(await dump()).toEqual(rows);
    expect(await analytics(DAY)).toEqual(before);
  });

  it('the stream folded in batches (one transaction each, a redelivery inside a batch) equals the incremental result', async () => {
    const tables = ['AnalyticsProductHour', 'AnalyticsProductDay', 'AnalyticsCartHour', 'AnalyticsAddsHour', 'AnalyticsCheckoutDuration', 'AnalyticsCheckoutDurationDay'];
    const dump = () => Promise.all(tables.map((t) => sql(stack.db.url, `SELECT * FROM cart."${t}" ORDER BY 1, 2, 3`)));
    await waitForConsumers(stack);
    const before = await analytics(DAY);
    const rows = await dump();
    const reader = await readStream(stack.events);
    try {
      const events = await reader.waitFor((all) => all.filter((e) => e.type === 'cart.checked_out').length >= 3, 'the three checkouts');
      await sql(stack.db.url, `TRUNCATE ${[...tables, 'AnalyticsCart', 'AnalyticsProcessedEvent'].map((t) => `cart."${t}"`).join(', ')}`);
      const consumer = stack.subgraphs.cart.analytics;
      let applied = 0;
      for (let i = 0; i < events.length; i += 7) {
        const batch = events.slice(i, i + 7);
        applied += await consumer.handleBatch([...batch, batch[0]!]);
      }
      expect(applied).toBe(new Set(events.filter((e) => ['cart.shipping_country_set', 'cart.line_added', 'cart.line_removed', 'cart.checked_out', 'order.paid'].includes(e.type)).map((e) => e.id)).size);
      expect(await consumer.handleBatch(events)).toBe(0);
    } finally {
      await reader.close();
    }
    expect(await dump()).toEqual(rows);
    expect(await analytics(DAY)).toEqual(before);
  });

  it('/metrics of each subgraph shows its consumer caught up (lag 0) and how many events it handled', async () => {
    await waitForConsumers(stack);
    const metric = (text: string, name: string, consumer: string, extra = '') =>
      Number(new RegExp(`^${name}\\{[^}]*consumer="${consumer}"[^}]*${extra}[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    const cart = await (await fetch(new URL('/metrics', stack.subgraphs.cart.url))).text();
    const product = await (await fetch(new URL('/metrics', stack.subgraphs.product.url))).text();
    const streamed = Number((await sql<{ n: number }>(stack.db.url, `SELECT (SELECT count(*) FROM cart."AnalyticsProcessedEvent")::int AS n`))[0]!.n);
    expect({ lag: metric(cart, 'events_consumer_lag', 'cart-analytics'), failed: metric(cart, 'events_consumed_total', 'cart-analytics', 'result="failed"') || 0 }).toEqual({ lag: 0, failed: 0 });
    // Every event of the stream was handled once (the relevant ones applied, the others acknowledged unread).
    expect(metric(cart, 'events_consumed_total', 'cart-analytics', 'result="ok"')).toBeGreaterThanOrEqual(streamed);
    expect(metric(product, 'events_consumer_lag', 'product-affinity')).toBe(0);
    expect(metric(product, 'events_consumed_total', 'product-affinity', 'result="ok"')).toBeGreaterThan(0);
    expect(cart).toMatch(/^events_consumer_handle_seconds_count\{[^}]*consumer="cart-analytics"/m);
  });

  it('prunes processed-event records only once the stream can no longer redeliver their events', async () => {
    const before = await analytics(DAY);
    const old = new Date(now.getTime() - 4 * 3_600_000); // the test stream keeps events 2 hours
    await sql(stack.db.url, `INSERT INTO cart."AnalyticsProcessedEvent" ("eventId", "processedAt") VALUES ('pruned-1', $1), ('kept-1', $2)`, [old, now]);
    expect(await stack.subgraphs.cart.analytics.prune()).toBe(1);
    expect((await sql(stack.db.url, `SELECT "eventId" FROM cart."AnalyticsProcessedEvent" WHERE "eventId" IN ('pruned-1', 'kept-1')`)).map((r) => r.eventId)).toEqual(['kept-1']);
    expect(await analytics(DAY)).toEqual(before);
  });
});
