import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProductAvailabilityDocument } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { sql } from '@platform/testing';
import { SWEEP_LOCK } from '../src/data/inventory.ts';
import { callInternal, countOf, productIds, setStockInDb, signedAs, stockOf } from './helpers.ts';

let stack: TestStack;
let pool: string[];
beforeAll(async () => {
  // No timer: these tests run the sweep themselves, with their own clock. Small batches prove batching.
  stack = await startStack({ env: { RESERVATION_SWEEP_INTERVAL_MS: '0', RESERVATION_SWEEP_BATCH_SIZE: '2' } });
  pool = await productIds(stack, 60, 300);
});
afterAll(() => stack?.stop());

/** Hands out products no other test in this file has touched. */
const fresh = (n: number) => pool.splice(0, n);
const key = (label: string) => `test:${label}:${randomUUID()}`;

interface Line {
  productId: string;
  quantity: number;
}
type ReserveResult = { ok: true; status: string; expiresAt: string; lines: Line[] } | { ok: false; shortages: { productId: string; requested: number; available: number }[] };
interface KeyResult {
  ok: boolean;
  status: string;
  lines: Line[];
}

const reserve = (checkoutKey: string, lines: Line[], ttlSeconds?: number) => callInternal<ReserveResult>(stack, 'reserve', { checkoutKey, lines, ...(ttlSeconds ? { ttlSeconds } : {}) });
const op = (name: 'consume' | 'release' | 'restock', checkoutKey: string) => callInternal<KeyResult>(stack, name, { checkoutKey });

async function reservationsOf(checkoutKey: string) {
  return sql<{ productId: string; quantity: number; status: string; expiresAt: Date }>(
    stack.db.url,
    'SELECT "productId", "quantity", "status"::text AS "status", "expiresAt" FROM "catalog"."Reservation" WHERE "checkoutKey" = $1 ORDER BY "productId"',
    [checkoutKey],
  );
}

async function movementsOf(reference: string) {
  return sql<{ productId: string; reason: string; onHandDelta: number; reservedDelta: number; onHandAfter: number; reservedAfter: number }>(
    stack.db.url,
    'SELECT "productId", "reason"::text AS "reason", "onHandDelta", "reservedDelta", "onHandAfter", "reservedAfter" FROM "catalog"."StockMovement" WHERE "reference" = $1 ORDER BY "id"',
    [reference],
  );
}

describe('internal operations are private', () => {
  const body = () => ({ checkoutKey: key('auth'), lines: [{ productId: pool[0]!, quantity: 1 }] });

  it('refuse calls without the internal credential, with a forged one, or from a user', async () => {
    expect((await callInternal(stack, 'reserve', body(), {})).status).toBe(401);
    const reserve = body();
    expect((await callInternal(stack, 'reserve', reserve, signedAs(stack, { kind: 'service', service: 'x' }, 'reserve', reserve, 'not-the-internal-secret-0123456789-0123456789'))).status).toBe(401);
    const user = signedAs(stack, { kind: 'user', userId: 'mallory', role: 'admin', expiresAt: Date.now() + 60_000 }, 'reserve', reserve);
    expect((await callInternal(stack, 'reserve', reserve, user)).status).toBe(403);
    for (const name of ['availability', 'products', 'consume', 'release', 'restock']) expect((await callInternal(stack, name, {}, {})).status, name).toBe(401);
  });

  it('are absent from the gateway schema', async () => {
    const api = readFileSync(new URL('../../../schema/api.graphql', import.meta.url), 'utf8');
    const result = await stack.data<{ __schema: { queryType: { fields: { name: string }[] }; mutationType: { fields: { name: string }[] } } }>(
      '{ __schema { queryType { fields { name } } mutationType { fields { name } } } }',
    );
    const fields = [...result.__schema.queryType.fields, ...result.__schema.mutationType.fields].map((f) => f.name);
    expect(fields).toEqual(expect.arrayContaining(['products', 'upsertProduct', 'setStock']));
    for (const name of ['reserve', 'consume', 'release', 'restock', 'availability', 'sweepReservations']) {
      expect(fields).not.toContain(name);
      expect(api).not.toMatch(new RegExp(`^\\s+${name}\\(`, 'm'));
    }
  });

  it('answer 400 to a malformed body', async () => {
    const id = pool[0]!;
    const bad = [
      { lines: [{ productId: id, quantity: 1 }] },
      { checkoutKey: 'k', lines: [] },
      { checkoutKey: 'k', lines: [{ productId: id, quantity: 0 }] },
      { checkoutKey: 'k', lines: [{ productId: id, quantity: 1.5 }] },
      { checkoutKey: 'k', lines: [{ productId: 'not-a-uuid', quantity: 1 }] },
      { checkoutKey: 'k', lines: [{ productId: id, quantity: 1 }], ttlSeconds: -5 },
      { checkoutKey: '', lines: [{ productId: id, quantity: 1 }] },
    ];
    for (const body of bad) expect((await callInternal(stack, 'reserve', body)).status, JSON.stringify(body)).toBe(400);
    expect((await callInternal(stack, 'consume', {})).status).toBe(400);
    expect((await callInternal(stack, 'availability', { productIds: ['x'] })).status).toBe(400);
  });
});

describe('availability and product snapshots', () => {
  it('availability reports existence and on hand minus reserved for many products at once', async () => {
    const [a, b] = fresh(2);
    await setStockInDb(stack, a!, 9, 4);
    const unknown = randomUUID();
    const { status, body } = await callInternal<{ items: unknown[] }>(stack, 'availability', { productIds: [a, b, unknown] });
    expect(status).toBe(200);
    expect(body.items).toEqual([
      { productId: a, exists: true, availableQuantity: 5 },
      expect.objectContaining({ productId: b, exists: true }),
      { productId: unknown, exists: false, availableQuantity: 0 },
    ]);
  });

  it('products returns sku and name of those that exist, in request order', async () => {
    const [a, b] = fresh(2);
    const rows = await sql<{ id: string; sku: string; name: string }>(stack.db.url, 'SELECT "id", "sku", "name" FROM "catalog"."Product" WHERE "id" = ANY($1::uuid[])', [[a, b]]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const { body } = await callInternal<{ items: unknown[] }>(stack, 'products', { productIds: [b, randomUUID(), a] });
    expect(body.items).toEqual([
      { productId: b, sku: byId.get(b!)!.sku, name: byId.get(b!)!.name },
      { productId: a, sku: byId.get(a!)!.sku, name: byId.get(a!)!.name },
    ]);
  });
});

describe('reserve', () => {
  it('is all or nothing and lists every short line', async () => {
    const [plenty, few, none] = fresh(3);
    await setStockInDb(stack, plenty!, 10);
    await setStockInDb(stack, few!, 5, 3);
    await setStockInDb(stack, none!, 0);
    const checkoutKey = key('short');
    const { status, body } = await reserve(checkoutKey, [
      { productId: plenty!, quantity: 5 },
      { productId: few!, quantity: 3 },
      { productId: none!, quantity: 1 },
    ]);
    expect(status).toBe(200);
    if (body.ok) return expect.unreachable(`the reservation went through: ${JSON.stringify(body)}`);
    expect(body.shortages.sort((x, y) => x.productId.localeCompare(y.productId))).toEqual(
      [
        { productId: few, requested: 3, available: 2 },
        { productId: none, requested: 1, available: 0 },
      ].sort((x, y) => x.productId!.localeCompare(y.productId!)),
    );
    expect(await stockOf(stack, plenty!)).toEqual({ onHand: 10, reserved: 0 });
    expect(await stockOf(stack, few!)).toEqual({ onHand: 5, reserved: 3 });
    expect(await reservationsOf(checkoutKey)).toEqual([]);
    expect(await movementsOf(checkoutKey)).toEqual([]);
  });

  it('an unknown product is a shortage with nothing available', async () => {
    const [known] = fresh(1);
    const unknown = randomUUID();
    const { body } = await reserve(key('unknown'), [
      { productId: known!, quantity: 1 },
      { productId: unknown, quantity: 2 },
    ]);
    expect(body).toEqual({ ok: false, shortages: [{ productId: unknown, requested: 2, available: 0 }] });
  });

  it('holds every line for 10 minutes by default, with an audit row per line and fresh availability', async () => {
    const [a, b] = fresh(2);
    await setStockInDb(stack, a!, 10);
    await setStockInDb(stack, b!, 4);
    // Cache the availability first, so the test proves the reservation drops it.
    expect((await stack.data(ProductAvailabilityDocument, { id: a! })).product?.availability.availableQuantity).toBe(10);
    const checkoutKey = key('hold');
    const before = Date.now();
    const { body } = await reserve(checkoutKey, [
      { productId: a!, quantity: 3 },
      { productId: b!, quantity: 4 },
    ]);
    if (!body.ok) return expect.unreachable(`the reservation was refused: ${JSON.stringify(body.shortages)}`);
    const expiresIn = new Date(body.expiresAt).getTime() - before;
    expect(expiresIn).toBeGreaterThan(595_000);
    expect(expiresIn).toBeLessThan(605_000);
    expect(await stockOf(stack, a!)).toEqual({ onHand: 10, reserved: 3 });
    expect(await stockOf(stack, b!)).toEqual({ onHand: 4, reserved: 4 });
    expect((await reservationsOf(checkoutKey)).map((r) => r.status)).toEqual(['ACTIVE', 'ACTIVE']);
    const movements = await movementsOf(checkoutKey);
    expect(movements).toHaveLength(2);
    expect(movements).toContainEqual({ productId: a, reason: 'RESERVE', onHandDelta: 0, reservedDelta: 3, onHandAfter: 10, reservedAfter: 3 });
    expect((await stack.data(ProductAvailabilityDocument, { id: a! })).product?.availability).toEqual({ inStock: true, availableQuantity: 7 });
    expect((await stack.data(ProductAvailabilityDocument, { id: b! })).product?.availability).toEqual({ inStock: false, availableQuantity: 0 });
  });

  it('is idempotent per checkout key: a repeat returns the first outcome and reserves nothing more', async () => {
    const [a] = fresh(1);
    await setStockInDb(stack, a!, 10);
    const checkoutKey = key('repeat');
    const first = await reserve(checkoutKey, [{ productId: a!, quantity: 4 }]);
    const again = await Promise.all([1, 2, 3].map(() => reserve(checkoutKey, [{ productId: a!, quantity: 4 }])));
    expect(again.map((r) => r.body)).toEqual([first.body, first.body, first.body]);
    expect(await stockOf(stack, a!)).toEqual({ onHand: 10, reserved: 4 });
    expect(await movementsOf(checkoutKey)).toHaveLength(1);
  });

  it('answers 409 when a checkout key is reused for other lines', async () => {
    const [a] = fresh(1);
    await setStockInDb(stack, a!, 10);
    const checkoutKey = key('reuse');
    expect((await reserve(checkoutKey, [{ productId: a!, quantity: 1 }])).body).toMatchObject({ ok: true });
    const reused = await reserve(checkoutKey, [{ productId: a!, quantity: 2 }]);
    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({ code: 'CHECKOUT_KEY_REUSED' });
    expect(await stockOf(stack, a!)).toEqual({ onHand: 10, reserved: 1 });
  });

  it('adds up lines of one product (the same product in several option variants)', async () => {
    const [a] = fresh(1);
    await setStockInDb(stack, a!, 5);
    const { body } = await reserve(key('variants'), [
      { productId: a!, quantity: 2 },
      { productId: a!, quantity: 2 },
    ]);
    expect(body).toMatchObject({ ok: true, lines: [{ productId: a, quantity: 4 }] });
    const short = await reserve(key('variants'), [
      { productId: a!, quantity: 1 },
      { productId: a!, quantity: 1 },
    ]);
    expect(short.body).toEqual({ ok: false, shortages: [{ productId: a, requested: 2, available: 1 }] });
  });

  it('50 concurrent checkouts for a product with 5 units: exactly 5 succeed and nothing oversells', async () => {
    const [hot] = fresh(1);
    await setStockInDb(stack, hot!, 5);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => reserve(key(`race-${i}`), [{ productId: hot!, quantity: 1 }])));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(results.filter((r) => r.body.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.body.ok).map((r) => r.body)).toEqual(Array(45).fill({ ok: false, shortages: [{ productId: hot, requested: 1, available: 0 }] }));
    expect(await stockOf(stack, hot!)).toEqual({ onHand: 5, reserved: 5 });
    const count = await countOf(stack, `SELECT count(*)::int AS count FROM "catalog"."Reservation" WHERE "productId" = $1 AND "status" = 'ACTIVE'`, [hot]);
    expect(count).toBe(5);
  });

  it('concurrent checkouts naming the same products in opposite orders never deadlock', async () => {
    const [a, b, c] = fresh(3);
    for (const id of [a, b, c]) await setStockInDb(stack, id!, 100);
    const orders = [
      [a, b, c],
      [c, b, a],
      [b, a, c],
    ];
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => reserve(key(`order-${i}`), orders[i % 3]!.map((productId) => ({ productId: productId!, quantity: 2 })))));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(results.filter((r) => !r.body.ok).map((r) => r.body)).toEqual([]);
    for (const id of [a, b, c]) expect(await stockOf(stack, id!)).toEqual({ onHand: 100, reserved: 60 });
  });
});

describe('consume, release and restock', () => {
  async function reserved(lines: [string, number][]) {
    const checkoutKey = key('life');
    const { body } = await reserve(
      checkoutKey,
      lines.map(([productId, quantity]) => ({ productId, quantity })),
    );
    expect(body).toMatchObject({ ok: true });
    return checkoutKey;
  }

  it('consume takes the held units off the shelf, once', async () => {
    const [a, b] = fresh(2);
    await setStockInDb(stack, a!, 10);
    await setStockInDb(stack, b!, 3);
    const checkoutKey = await reserved([
      [a!, 4],
      [b!, 3],
    ]);
    for (let i = 0; i < 3; i++) {
      const { body } = await op('consume', checkoutKey);
      expect(body).toMatchObject({ ok: true, status: 'CONSUMED' });
    }
    expect(await stockOf(stack, a!)).toEqual({ onHand: 6, reserved: 0 });
    expect(await stockOf(stack, b!)).toEqual({ onHand: 0, reserved: 0 });
    expect((await reservationsOf(checkoutKey)).map((r) => r.status)).toEqual(['CONSUMED', 'CONSUMED']);
    const movements = await movementsOf(checkoutKey);
    expect(movements.map((m) => m.reason)).toEqual(['RESERVE', 'RESERVE', 'CONSUME', 'CONSUME']);
    expect(movements).toContainEqual({ productId: a, reason: 'CONSUME', onHandDelta: -4, reservedDelta: -4, onHandAfter: 6, reservedAfter: 0 });
    // A repeated reserve for a consumed key reports the sale without holding stock again.
    expect((await reserve(checkoutKey, [{ productId: a!, quantity: 4 }, { productId: b!, quantity: 3 }])).body).toMatchObject({ ok: true, status: 'CONSUMED' });
    expect(await stockOf(stack, a!)).toEqual({ onHand: 6, reserved: 0 });
  });

  it('release gives held units back, once; an unknown key is a no-op', async () => {
    const [a] = fresh(1);
    await setStockInDb(stack, a!, 10);
    const checkoutKey = await reserved([[a!, 6]]);
    expect((await op('release', checkoutKey)).body).toEqual({ ok: true, status: 'RELEASED', lines: [{ productId: a, quantity: 6 }] });
    expect((await op('release', checkoutKey)).body).toMatchObject({ ok: true, status: 'RELEASED' });
    expect(await stockOf(stack, a!)).toEqual({ onHand: 10, reserved: 0 });
    expect((await movementsOf(checkoutKey)).map((m) => [m.reason, m.reservedDelta])).toEqual([
      ['RESERVE', 6],
      ['RELEASE', -6],
    ]);
    expect((await op('release', key('never'))).body).toEqual({ ok: true, status: 'NOT_FOUND', lines: [] });
    // A released checkout cannot be consumed, but a retry of it reserves again.
    expect((await op('consume', checkoutKey)).body).toMatchObject({ ok: false, status: 'RELEASED' });
    expect((await reserve(checkoutKey, [{ productId: a!, quantity: 6 }])).body).toMatchObject({ ok: true, status: 'ACTIVE' });
    expect(await stockOf(stack, a!)).toEqual({ onHand: 10, reserved: 6 });
  });

  it('a reserve that arrives after its key was released (in flight when the checkout gave up) holds nothing', async () => {
    const [a] = fresh(1);
    await setStockInDb(stack, a!, 10);
    const late = key('late');
    expect((await op('release', late)).body).toEqual({ ok: true, status: 'NOT_FOUND', lines: [] });
    const refused = await reserve(late, [{ productId: a!, quantity: 3 }]);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'CHECKOUT_KEY_REUSED' });
    expect(await stockOf(stack, a!)).toEqual({ onHand: 10, reserved: 0 });
    expect(await movementsOf(late)).toEqual([]);
    // Both orders of the race end holding nothing: a reserve first is given back by the release.
    const racing = key('race');
    const [reservedFirst] = await Promise.all([reserve(racing, [{ productId: a!, quantity: 2 }]), op('release', racing)]);
    await op('release', racing);
    expect([200, 409]).toContain(reservedFirst.status);
    expect(await stockOf(stack, a!)).toEqual({ onHand: 10, reserved: 0 });
    // Another key is untouched by the mark.
    expect((await reserve(key('after'), [{ productId: a!, quantity: 1 }])).body).toMatchObject({ ok: true, status: 'ACTIVE' });
    // The sweep forgets marks a day old, when no request for them can still be in flight.
    const marks = () => sql<{ checkoutKey: string }>(stack.db.url, `SELECT "checkoutKey" FROM catalog."ReleasedCheckoutKey" WHERE "checkoutKey" = ANY($1::text[])`, [[late, racing]]);
    expect((await marks()).map((m) => m.checkoutKey)).toContain(late);
    await stack.subgraphs.product.sweepReservations(new Date(Date.now() + 60_000));
    expect((await marks()).map((m) => m.checkoutKey)).toContain(late);
    await stack.subgraphs.product.sweepReservations(new Date(Date.now() + 25 * 3600_000));
    expect(await marks()).toEqual([]);
  });

  it('release after consume changes nothing', async () => {
    const [a] = fresh(1);
    await setStockInDb(stack, a!, 10);
    const checkoutKey = await reserved([[a!, 2]]);
    await op('consume', checkoutKey);
    expect((await op('release', checkoutKey)).body).toMatchObject({ ok: false, status: 'CONSUMED' });
    expect(await stockOf(stack, a!)).toEqual({ onHand: 8, reserved: 0 });
  });

  it('restock puts a cancelled order back on hand, once', async () => {
    const [a, b] = fresh(2);
    await setStockInDb(stack, a!, 10);
    await setStockInDb(stack, b!, 10);
    const checkoutKey = await reserved([
      [a!, 3],
      [b!, 1],
    ]);
    expect((await op('restock', checkoutKey)).body).toMatchObject({ ok: false, status: 'ACTIVE' });
    await op('consume', checkoutKey);
    expect(await stockOf(stack, a!)).toEqual({ onHand: 7, reserved: 0 });
    const results = await Promise.all([1, 2, 3].map(() => op('restock', checkoutKey)));
    for (const { body } of results) expect(body).toMatchObject({ ok: true, status: 'RETURNED' });
    expect(await stockOf(stack, a!)).toEqual({ onHand: 10, reserved: 0 });
    expect(await stockOf(stack, b!)).toEqual({ onHand: 10, reserved: 0 });
    expect((await reservationsOf(checkoutKey)).map((r) => r.status)).toEqual(['RETURNED', 'RETURNED']);
    expect((await movementsOf(checkoutKey)).map((m) => m.reason)).toEqual(['RESERVE', 'RESERVE', 'CONSUME', 'CONSUME', 'RESTOCK', 'RESTOCK']);
    expect((await op('restock', key('never'))).body).toMatchObject({ ok: false, status: 'NOT_FOUND' });
    expect((await reserve(checkoutKey, [{ productId: a!, quantity: 3 }, { productId: b!, quantity: 1 }])).status).toBe(409);
  });
});

describe('expiry sweep', () => {
  it('releases reservations past their expiry at the injected time, in batches, exactly once', async () => {
    const ids = fresh(3);
    for (const id of ids) await setStockInDb(stack, id, 10);
    const keys = await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        const checkoutKey = key(`expire-${i}`);
        const { body } = await reserve(checkoutKey, [{ productId: ids[i % 3]!, quantity: 1 }], 60);
        expect(body).toMatchObject({ ok: true });
        return checkoutKey;
      }),
    );
    const longLived = key('long');
    expect((await reserve(longLived, [{ productId: ids[0]!, quantity: 2 }])).body).toMatchObject({ ok: true });

    expect(await stack.subgraphs.product.sweepReservations(new Date())).toEqual({ swept: true, expired: 0 });
    const later = new Date(Date.now() + 61_000);
    expect(await stack.subgraphs.product.sweepReservations(later)).toEqual({ swept: true, expired: 5 });
    expect(await stack.subgraphs.product.sweepReservations(later)).toEqual({ swept: true, expired: 0 });

    for (const checkoutKey of keys) {
      expect((await reservationsOf(checkoutKey)).map((r) => r.status)).toEqual(['EXPIRED']);
      expect((await movementsOf(checkoutKey)).map((m) => [m.reason, m.reservedDelta])).toEqual([
        ['RESERVE', 1],
        ['EXPIRE', -1],
      ]);
    }
    expect(await stockOf(stack, ids[0]!)).toEqual({ onHand: 10, reserved: 2 });
    expect(await stockOf(stack, ids[1]!)).toEqual({ onHand: 10, reserved: 0 });
    expect((await reservationsOf(longLived)).map((r) => r.status)).toEqual(['ACTIVE']);
    // A checkout that took too long cannot consume stock that went back on sale.
    expect((await op('consume', keys[0]!)).body).toMatchObject({ ok: false, status: 'EXPIRED' });
  });

  it('does nothing while another replica holds the sweep lock', async () => {
    const [a] = fresh(1);
    await setStockInDb(stack, a!, 10);
    const checkoutKey = key('locked-sweep');
    await reserve(checkoutKey, [{ productId: a!, quantity: 1 }], 1);
    const later = new Date(Date.now() + 5_000);
    const replica = new pg.Client({ connectionString: stack.db.url });
    await replica.connect();
    try {
      await replica.query('SELECT pg_advisory_lock($1::bigint)', [SWEEP_LOCK.toString()]);
      expect(await stack.subgraphs.product.sweepReservations(later)).toEqual({ swept: false, expired: 0 });
      expect(await stockOf(stack, a!)).toEqual({ onHand: 10, reserved: 1 });
      await replica.query('SELECT pg_advisory_unlock($1::bigint)', [SWEEP_LOCK.toString()]);
      expect(await stack.subgraphs.product.sweepReservations(later)).toEqual({ swept: true, expired: 1 });
      expect(await stockOf(stack, a!)).toEqual({ onHand: 10, reserved: 0 });
    } finally {
      await replica.end();
    }
  });
});
