/**
 * The demo catalog generator (pure) and the seed against a fresh, migrated database of the
 * local Postgres, which this file creates and drops.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDatabase, migrate } from '../db/engine.ts';
import { buildCatalog, COUPONS, productIdFor, SHIPPING_RATES, TAX_RATES, uuidV5 } from './catalog-data.ts';
import { seedDemoData } from './index.ts';
import { buildOrderHistory } from './order-history.ts';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Each value that occurs more than once, at its second and later occurrences. */
function duplicates<T>(values: T[]): T[] {
  const seen = new Set<T>();
  return values.filter((v) => seen.has(v) || (seen.add(v), false));
}

describe('buildCatalog', () => {
  const catalog = buildCatalog();

  it('returns the same catalog on every call', () => {
    expect(buildCatalog()).toEqual(catalog);
  });

  it('has at least 1,000 products in at least 20 categories, two levels deep, parents first', () => {
    expect(catalog.products.length).toBeGreaterThanOrEqual(1000);
    expect(catalog.categories.length).toBeGreaterThanOrEqual(20);
    const seen = new Set<string>();
    const parentLater = [];
    for (const c of catalog.categories) {
      if (c.parentSlug && !seen.has(c.parentSlug)) parentLater.push(c.slug);
      seen.add(c.slug);
    }
    expect(parentLater).toEqual([]);
    expect(catalog.categories.filter((c) => c.path !== (c.parentSlug ? `${c.parentSlug}/${c.slug}` : c.slug)).map((c) => c.path)).toEqual([]);
    expect(duplicates(catalog.categories.map((c) => c.id))).toEqual([]);
    expect(duplicates(catalog.categories.map((c) => c.slug))).toEqual([]);
  });

  it('gives every product a unique SKU and a unique v5 UUID derived from it, in a leaf category', () => {
    const leafIds = new Set(catalog.categories.filter((c) => c.parentSlug).map((c) => c.id));
    expect(duplicates(catalog.products.map((p) => p.sku))).toEqual([]);
    expect(duplicates(catalog.products.map((p) => p.id))).toEqual([]);
    expect(catalog.products.filter((p) => !/^SG-[A-Z]{4}-[A-Z]{3}-\d{5}$/.test(p.sku)).map((p) => p.sku)).toEqual([]);
    expect(catalog.products.filter((p) => !UUID_V5.test(p.id) || p.id !== productIdFor(p.sku)).map((p) => [p.sku, p.id])).toEqual([]);
    expect(catalog.products.filter((p) => !leafIds.has(p.categoryId)).map((p) => [p.sku, p.categoryId])).toEqual([]);
    expect(catalog.categories.filter((c) => !UUID_V5.test(c.id)).map((c) => [c.slug, c.id])).toEqual([]);
  });

  it('prices every product as a positive decimal string with two places', () => {
    const wrong = catalog.products.filter((p) => typeof p.price !== 'string' || !/^\d+\.\d{2}$/.test(p.price) || !(Number(p.price.replace('.', '')) > 0));
    expect(wrong.map((p) => [p.sku, p.price])).toEqual([]);
  });

  it('gives products 1-3 CDN images, a description, attributes and 0-500 stock, about 5 % sold out', () => {
    const problems = catalog.products.flatMap((p) => {
      const found: string[] = [];
      if (p.images.length < 1 || p.images.length > 3) found.push(`${p.images.length} images`);
      p.images.forEach((url, i) => url !== `https://cdn.example.com/p/${p.sku}-${i + 1}.jpg` && found.push(`image ${i + 1} is ${url}`));
      if (p.description.length <= 10) found.push(`description "${p.description}"`);
      if (Object.keys(p.attributes).length === 0) found.push('no attributes');
      if (!(Number.isInteger(p.stock) && p.stock >= 0 && p.stock <= 500)) found.push(`stock ${p.stock}`);
      return found.map((problem) => `${p.sku}: ${problem}`);
    });
    expect(problems).toEqual([]);
    const soldOut = catalog.products.filter((p) => p.stock === 0).length / catalog.products.length;
    expect(soldOut).toBeGreaterThan(0.02);
    expect(soldOut).toBeLessThan(0.1);
  });

  it('uuidV5 matches the RFC 4122 example (www.example.com in the DNS namespace)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('exports the demo coupons, tax and shipping tables as decimal strings', () => {
    expect(COUPONS.map((c) => [c.code, c.kind, c.value, c.minSubtotal, c.maxRedemptions])).toEqual([
      ['WELCOME10', 'PERCENT', '10.00', '50.00', null],
      ['SAVE5', 'FIXED', '5.00', '30.00', null],
      ['MEGA1111', 'PERCENT', '11.00', null, 1111],
      ['EXPIRED2025', 'FIXED', '10.00', null, null],
    ]);
    expect(new Date(COUPONS[3]!.endsAt!).getTime()).toBeLessThan(Date.parse('2026-01-01T00:00:00+08:00'));
    expect(Object.fromEntries(TAX_RATES.map((t) => [t.country, t.rate]))).toEqual({
      SG: '0.0900', MY: '0.0800', ID: '0.1100', TH: '0.0700', VN: '0.1000', PH: '0.1200',
    });
    expect(SHIPPING_RATES.find((s) => s.country === 'SG')).toEqual({ country: 'SG', amount: '4.99', freeOver: '60.00' });
  });
});

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DATABASE = `seed_test_${randomBytes(4).toString('hex')}`;
const DB_URL = (() => {
  const url = new URL(SERVER_URL);
  url.pathname = `/${DATABASE}`;
  return url.toString();
})();

async function query<T extends pg.QueryResultRow>(text: string, params: unknown[] = [], url = DB_URL): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function rowCounts() {
  const [row] = await query<Record<string, number>>(`SELECT
    (SELECT count(*) FROM catalog."Category")::int AS categories,
    (SELECT count(*) FROM catalog."Product")::int AS products,
    (SELECT count(*) FROM catalog."Inventory")::int AS inventory,
    (SELECT count(*) FROM catalog."StockMovement")::int AS movements,
    (SELECT count(*) FROM pricing."Price")::int AS prices,
    (SELECT count(*) FROM pricing."PriceHistory")::int AS "priceHistory",
    (SELECT count(*) FROM pricing."Coupon")::int AS coupons,
    (SELECT count(*) FROM pricing."TaxRate")::int AS "taxRates",
    (SELECT count(*) FROM pricing."ShippingRate")::int AS "shippingRates",
    (SELECT count(*) FROM catalog."ProductAffinity")::int AS affinity,
    (SELECT count(*) FROM catalog."ProductSales")::int AS sales`);
  return row;
}

describe('buildOrderHistory', () => {
  const catalog = buildCatalog();
  const history = buildOrderHistory(catalog);

  it('is the same on every call, pairs in both directions, and sells only products in stock', () => {
    expect(buildOrderHistory(catalog)).toEqual(history);
    const missing = [...history.pairs.keys()].filter((key) => !history.pairs.has(`${key.slice(37)}|${key.slice(0, 36)}`));
    expect(missing).toEqual([]);
    const soldOut = new Set(catalog.products.filter((p) => p.stock === 0).map((p) => p.id));
    expect([...history.sales.keys()].filter((id) => soldOut.has(id))).toEqual([]);
  });

  it('gives most products partners, mostly from their own category (so the demo shows real recommendations)', () => {
    const category = new Map(catalog.products.map((p) => [p.id, p.categoryId]));
    const withPartners = new Set([...history.pairs.keys()].map((k) => k.slice(0, 36)));
    expect(withPartners.size / catalog.products.length).toBeGreaterThan(0.7);
    const same = [...history.pairs.keys()].filter((k) => category.get(k.slice(0, 36)) === category.get(k.slice(37))).length;
    expect(same / history.pairs.size).toBeGreaterThan(0.4);
  });
});

describe('seedDemoData on a fresh database', () => {
  const catalog = buildCatalog();
  const seed = () => seedDemoData({ productDatabaseUrl: DB_URL, pricingDatabaseUrl: DB_URL, currencyCode: 'SGD' });

  beforeAll(async () => {
    await ensureDatabase(DB_URL);
    await migrate('product', DB_URL);
    await migrate('pricing', DB_URL);
  });

  afterAll(async () => {
    await query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`, [], SERVER_URL);
  });

  const history = buildOrderHistory(catalog);

  it('seeding twice yields the same counts, one SEED movement and one history row per product', async () => {
    const first = await seed();
    expect(first).toEqual({ categories: catalog.categories.length, products: catalog.products.length });
    const afterFirst = await rowCounts();

    expect(await seed()).toEqual(first);
    const n = catalog.products.length;
    expect(await rowCounts()).toEqual(afterFirst);
    expect(afterFirst).toEqual({
      categories: catalog.categories.length,
      products: n,
      inventory: n,
      movements: n,
      prices: n,
      priceHistory: n,
      coupons: COUPONS.length,
      taxRates: TAX_RATES.length,
      shippingRates: SHIPPING_RATES.length,
      affinity: history.pairs.size,
      sales: history.sales.size,
    });

    const stored = await query<{ id: string; amount: string }>(`SELECT "productId" AS id, amount::text AS amount FROM pricing."Price"`);
    expect(Object.fromEntries(stored.map((r) => [r.id, r.amount]))).toEqual(Object.fromEntries(catalog.products.map((p) => [p.id, p.price])));
  });

  it('re-seeding keeps a price and stock an admin changed and restores only what is missing', async () => {
    const [changed, other] = catalog.products;
    await query(`UPDATE pricing."Price" SET amount = 1.23 WHERE "productId" = $1`, [changed!.id]);
    await query(`UPDATE catalog."Inventory" SET "onHand" = 7, reserved = 2 WHERE "productId" = $1`, [changed!.id]);
    await query(`UPDATE pricing."Coupon" SET value = 15 WHERE code = 'WELCOME10'`);
    await query(`DELETE FROM pricing."Coupon" WHERE code = 'SAVE5'`);
    await query(`DELETE FROM pricing."Price" WHERE "productId" = $1`, [other!.id]);
    const before = await rowCounts();

    await seed();

    const [price] = await query<{ amount: string }>(`SELECT amount::text AS amount FROM pricing."Price" WHERE "productId" = $1`, [changed!.id]);
    expect(price?.amount).toBe('1.23');
    const [stock] = await query(`SELECT "onHand", reserved FROM catalog."Inventory" WHERE "productId" = $1`, [changed!.id]);
    expect(stock).toEqual({ onHand: 7, reserved: 2 });
    const coupons = await query<{ code: string; value: string }>(`SELECT code, value::text AS value FROM pricing."Coupon" ORDER BY code`);
    expect(coupons.find((c) => c.code === 'WELCOME10')?.value).toBe('15.00');
    expect(coupons.find((c) => c.code === 'SAVE5')?.value).toBe('5.00');
    const [restored] = await query<{ amount: string }>(`SELECT amount::text AS amount FROM pricing."Price" WHERE "productId" = $1`, [other!.id]);
    expect(restored?.amount).toBe(other!.price);

    // Only the deleted price and coupon came back (with one more history row); nothing else was written.
    expect(await rowCounts()).toEqual({ ...before, prices: before!.prices! + 1, priceHistory: before!.priceHistory! + 1, coupons: before!.coupons! + 1 });
  });
});
