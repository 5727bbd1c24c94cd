/**
 * The catalog and cart analytics on a real streaming replica (pg_basebackup -R of the test
 * Postgres), beside `read-replica.test.ts` (order history). With the replica's replay paused, a
 * product an admin creates or renames exists on the primary only: a shopper with no writes reads
 * the replica's catalog (no such product, the old name) until replay resumes, while the admin
 * reads their own write (the primary), and no replica row ever reaches the shared cache in
 * between (the admin's read after the shopper's would show it). `cartAnalytics` reads the
 * rollups on the replica (a row written on the primary appears once replay resumes). A stopped
 * replica sends catalog and analytics reads to the primary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplica, startStack, type OwnReplica, type TestStack } from '@platform/e2e/support';
import { CATALOG_WRITES } from '@subgraph/product';
import { createProduct, sql, type Caller, type FixtureProduct } from '@platform/testing';

const ADMIN = { user: 'catalog-admin', role: 'admin' } as const;
const ANALYST = { user: 'replica-analyst', role: 'admin' } as const;
const BROWSER = { user: 'just-browsing' } as const;
const BRAND = `Replicated ${Date.now().toString(36)}`;
const WINDOW = { from: '2026-01-05T00:00:00Z', to: '2026-01-06T00:00:00Z' };

let replica: OwnReplica;
let stack: TestStack;
let lamp: FixtureProduct;

beforeAll(async () => {
  replica = await startReplica();
  stack = await startStack({
    // A lag bound far above the test's length: only read-your-writes keeps the admin off the paused replica.
    env: { READ_REPLICA_MAX_LAG_MS: '600000', READ_REPLICA_CHECK_INTERVAL_MS: '100', CHECKOUT_RECOVERY_INTERVAL_MS: '0' },
    envFor: (database) => ({ PRODUCT_READ_DATABASE_URL: replica.url(database), CART_READ_DATABASE_URL: replica.url(database) }),
  });
  lamp = await createProduct(stack, { name: 'Replicated lamp', brand: BRAND, stock: 10 });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await replica?.close();
});

const catalog = () => stack.subgraphs.product.reads;
const analyticsReads = () => stack.subgraphs.cart.analyticsReads;

const productName = async (id: string, as: Caller) => (await stack.data<{ product: { name: string } | null }>('query ($id: ID!) { product(id: $id) { id name } }', { id }, as)).product?.name ?? null;
const brandList = async (as: Caller) =>
  (await stack.data<{ products: { edges: { node: { id: string; name: string } }[] } }>('query ($brand: String) { products(filter: { brand: $brand }, first: 50) { edges { node { id name } } } }', { brand: BRAND }, as)).products.edges
    .map((e) => e.node)
    .sort((a, b) => a.id.localeCompare(b.id));
const upsert = async (input: Record<string, unknown>) => (await stack.data<{ upsertProduct: { id: string } }>('mutation ($input: ProductInput!) { upsertProduct(input: $input) { id } }', { input }, ADMIN)).upsertProduct.id;
const onReplica = async (id: string) => (await replica.query<{ name: string }>(stack.db.name, `SELECT name FROM catalog."Product" WHERE id = $1`, [id]))[0]?.name ?? null;
const cartsCreated = async () =>
  (await stack.data<{ cartAnalytics: { cartsCreated: number } }>('query ($from: DateTime!, $to: DateTime!) { cartAnalytics(from: $from, to: $to) { cartsCreated } }', WINDOW, ANALYST)).cartAnalytics.cartsCreated;
/** A rollup row as the analytics consumer writes it, on the primary. */
const rollup = (hour: string, created: number) =>
  sql(stack.db.url, `INSERT INTO cart."AnalyticsCartHour" ("hour", "country", "cartsCreated", "cartsCheckedOut") VALUES ($1, 'SG', $2, 0)`, [hour, created]);

describe('catalog reads on a streaming replica', () => {
  it('sends a reader with no writes to the replica once it has caught up', async () => {
    await expect.poll(async () => (await catalog().check()).healthy, { timeout: 30_000 }).toBe(true);
    await expect.poll(() => onReplica(lamp.id), { timeout: 30_000 }).toBe('Replicated lamp');
    await expect.poll(() => catalog().route(CATALOG_WRITES), { timeout: 30_000 }).toBe('replica');
    expect(await catalog().route(BROWSER.user)).toBe('replica');
    expect(await productName(lamp.id, BROWSER)).toBe('Replicated lamp');
    expect(await brandList(BROWSER)).toEqual([{ id: lamp.id, name: 'Replicated lamp' }]);
  });

  it('with replay paused, the admin reads what they just wrote; a shopper reads the replica until replay resumes', async () => {
    await replica.pauseReplay();
    let added: string;
    try {
      added = await upsert({ sku: `REPL-${Date.now().toString(36)}`.toUpperCase(), name: 'Replicated shade', brand: BRAND });
      await upsert({ id: lamp.id, sku: lamp.sku, name: 'Renamed lamp', brand: BRAND });
      // The lag is real: the replica has neither write...
      await catalog().check();
      expect(await onReplica(added)).toBeNull();
      expect(await onReplica(lamp.id)).toBe('Replicated lamp');
      expect(await catalog().route(ADMIN.user)).toBe('primary');
      expect(await catalog().route(BROWSER.user)).toBe('replica');
      // ...and a shopper who wrote nothing reads it (stale but bounded), by id and in lists, signed in or not.
      for (const as of [BROWSER, { anonymous: true } as const, BROWSER]) {
        expect(await productName(added, as)).toBeNull();
        expect(await productName(lamp.id, as)).toBe('Replicated lamp');
        expect(await brandList(as)).toEqual([{ id: lamp.id, name: 'Replicated lamp' }]);
      }
      // The admin reads both writes: from the primary, and not from a cache the shopper's replica reads filled.
      expect(await productName(lamp.id, ADMIN)).toBe('Renamed lamp');
      expect(await productName(added, ADMIN)).toBe('Replicated shade');
      expect((await brandList(ADMIN)).map((p) => p.name).sort()).toEqual(['Renamed lamp', 'Replicated shade']);
      // Still paused: the shopper's list (never cached) is still the replica's.
      expect(await brandList(BROWSER)).toEqual([{ id: lamp.id, name: 'Replicated lamp' }]);
    } finally {
      await replica.resumeReplay();
    }
    await expect.poll(async () => (await brandList(BROWSER)).map((p) => p.name).sort(), { timeout: 30_000 }).toEqual(['Renamed lamp', 'Replicated shade']);
    expect(await productName(added, BROWSER)).toBe('Replicated shade');
    await expect.poll(() => catalog().route(ADMIN.user), { timeout: 30_000 }).toBe('replica');
  });
});

describe('cart analytics on a streaming replica', () => {
  it('reads the rollups from the replica: a row the primary has appears once replay resumes', async () => {
    await expect.poll(async () => (await analyticsReads().check()).healthy, { timeout: 30_000 }).toBe(true);
    expect(await analyticsReads().route(null)).toBe('replica');
    expect(await cartsCreated()).toBe(0);
    await replica.pauseReplay();
    try {
      await rollup('2026-01-05T10:00:00Z', 7);
      expect((await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM cart."AnalyticsCartHour" WHERE "hour" >= $1 AND "hour" < $2`, [WINDOW.from, WINDOW.to]))[0]?.n).toBe(1);
      await analyticsReads().check();
      expect(await analyticsReads().route(null)).toBe('replica');
      for (let i = 0; i < 3; i += 1) expect(await cartsCreated()).toBe(0);
    } finally {
      await replica.resumeReplay();
    }
    await expect.poll(cartsCreated, { timeout: 30_000 }).toBe(7);
  });
});

describe('a stopped replica', () => {
  it('sends catalog and analytics reads to the primary, including the reads that find it gone', async () => {
    await expect.poll(async () => (await catalog().check()).healthy && (await analyticsReads().check()).healthy, { timeout: 30_000 }).toBe(true);
    await replica.stop();
    // Written while the replica is down: only the primary has these.
    const late = await upsert({ sku: `LATE-${Date.now().toString(36)}`.toUpperCase(), name: 'Late lantern', brand: BRAND });
    await rollup('2026-01-05T11:00:00Z', 5);
    // Whether or not the routers noticed yet (a read that fails on the replica is run on the primary), the answers are whole.
    expect((await brandList(BROWSER)).map((p) => p.name).sort()).toEqual(['Late lantern', 'Renamed lamp', 'Replicated shade']);
    expect(await cartsCreated()).toBe(12);
    await expect.poll(async () => (await catalog().check()).healthy, { timeout: 30_000 }).toBe(false);
    await expect.poll(async () => (await analyticsReads().check()).healthy, { timeout: 30_000 }).toBe(false);
    expect(await catalog().route(BROWSER.user)).toBe('primary');
    expect(await analyticsReads().route(null)).toBe('primary');
    expect(await productName(late, BROWSER)).toBe('Late lantern');
    expect(await cartsCreated()).toBe(12);
    await replica.start();
    await expect.poll(async () => (await catalog().check()).healthy && (await analyticsReads().check()).healthy, { timeout: 60_000 }).toBe(true);
    // Healthy means within READ_REPLICA_MAX_LAG_MS (10 minutes here), not caught up: the restarted
    // replica may answer from before the stop for a moment, as paused replay did above.
    await expect.poll(cartsCreated, { timeout: 30_000 }).toBe(12);
    expect(await productName(late, BROWSER)).toBe('Late lantern');
  });
});
