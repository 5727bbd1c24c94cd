import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProductAvailabilityDocument, SearchProductsDocument, SetStockDocument, UpsertProductDocument, type ProductInput } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { sql } from '@platform/testing';
import { callInternal, codes, productIds, setStockInDb, stockOf } from './helpers.ts';

let stack: TestStack;
let categoryId: string;
beforeAll(async () => {
  // A fast sweep timer, to prove the subgraph runs the sweep on its own.
  stack = await startStack({ env: { RESERVATION_SWEEP_INTERVAL_MS: '200' } });
  const [category] = await sql<{ id: string }>(stack.db.url, `SELECT "id" FROM "catalog"."Category" WHERE "path" = 'home-living/kitchen-dining'`);
  categoryId = category!.id;
});
afterAll(() => stack?.stop());

const admin = { user: 'admin-ann', role: 'admin' } as const;
const customer = { user: 'customer-carl' } as const;
const upsert = (input: ProductInput, as: Parameters<TestStack['request']>[2] = admin) => stack.request(UpsertProductDocument, { input }, as);
const productCount = async () => (await sql<{ count: number }>(stack.db.url, 'SELECT count(*)::int AS count FROM "catalog"."Product"'))[0]!.count;

describe('upsertProduct', () => {
  const input = (): ProductInput => ({ sku: `TEST-${randomUUID().slice(0, 8)}`, name: 'Nyonya Tiffin Carrier 3-Tier', categoryId, images: ['https://cdn.example.com/tiffin.jpg'] });

  it('is UNAUTHENTICATED anonymously and FORBIDDEN for customers and guests, and writes nothing', async () => {
    const before = await productCount();
    expect(codes((await upsert(input(), { anonymous: true })).errors)).toEqual(['UNAUTHENTICATED']);
    expect(codes((await upsert(input(), customer)).errors)).toEqual(['FORBIDDEN']);
    expect(codes((await upsert(input(), { guest: await stack.guestToken() })).errors)).toEqual(['FORBIDDEN']);
    expect(await productCount()).toBe(before);
  });

  it('creates a product with empty stock that is at once readable and searchable', async () => {
    const created = await stack.data(UpsertProductDocument, { input: { ...input(), brand: 'Kampung Kitchen', description: 'Stainless steel, keeps laksa warm.', attributes: { tiers: 3 } } }, admin);
    expect(created.upsertProduct).toMatchObject({
      name: 'Nyonya Tiffin Carrier 3-Tier',
      brand: 'Kampung Kitchen',
      attributes: { tiers: 3 },
      images: ['https://cdn.example.com/tiffin.jpg'],
      category: { id: categoryId, path: 'home-living/kitchen-dining' },
      availability: { inStock: false, availableQuantity: 0 },
    });
    expect(await stockOf(stack, created.upsertProduct.id)).toEqual({ onHand: 0, reserved: 0 });
    const { products } = await stack.data(SearchProductsDocument, { filter: { search: 'tiffin laksa' } });
    expect(products.edges.map((e) => e.node.id)).toContain(created.upsertProduct.id);
  });

  it('updates by id: omitted fields stay, null clears, and readers see the change at once', async () => {
    const first = input();
    const { upsertProduct: created } = await stack.data(UpsertProductDocument, { input: { ...first, brand: 'Old Brand', description: 'Old words.' } }, admin);
    await stack.data(ProductAvailabilityDocument, { id: created.id });
    const { upsertProduct: updated } = await stack.data(UpsertProductDocument, { input: { id: created.id, sku: first.sku, name: ' Renamed   Tiffin ', brand: null } }, admin);
    expect(updated).toMatchObject({ id: created.id, name: 'Renamed Tiffin', brand: null, description: 'Old words.', images: first.images, category: { id: categoryId } });
    expect((await stack.data(ProductAvailabilityDocument, { id: created.id })).product?.name).toBe('Renamed Tiffin');
  });

  it('without an id updates the product that has the SKU instead of duplicating it', async () => {
    const first = input();
    const { upsertProduct: created } = await stack.data(UpsertProductDocument, { input: first }, admin);
    const before = await productCount();
    const { upsertProduct: again } = await stack.data(UpsertProductDocument, { input: { sku: first.sku, name: 'Same SKU, New Name' } }, admin);
    expect(again.id).toBe(created.id);
    expect(again.name).toBe('Same SKU, New Name');
    expect(await productCount()).toBe(before);
  });

  it('refuses a SKU that another product has', async () => {
    const [other] = await sql<{ sku: string }>(stack.db.url, 'SELECT "sku" FROM "catalog"."Product" ORDER BY "sku" LIMIT 1');
    const { upsertProduct: created } = await stack.data(UpsertProductDocument, { input: input() }, admin);
    const result = await upsert({ id: created.id, sku: other!.sku, name: 'Thief' });
    expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe('input.sku');
  });

  it('validates every field and writes nothing on bad input', async () => {
    const before = await productCount();
    const cases: [string, Partial<ProductInput>][] = [
      ['input.sku', { sku: '' }],
      ['input.sku', { sku: 'has spaces' }],
      ['input.sku', { sku: 'x'.repeat(65) }],
      ['input.name', { name: '   ' }],
      ['input.name', { name: 'n'.repeat(201) }],
      ['input.description', { description: 'd'.repeat(5001) }],
      ['input.brand', { brand: 'b'.repeat(101) }],
      ['input.categoryId', { categoryId: randomUUID() }],
      ['input.categoryId', { categoryId: 'kitchen' }],
      ['input.images', { images: ['not a url'] }],
      ['input.images', { images: ['javascript:alert(1)'] }],
      ['input.images', { images: Array.from({ length: 21 }, (_, i) => `https://cdn.example.com/${i}.jpg`) }],
      ['input.attributes', { attributes: [1, 2, 3] }],
      ['input.attributes', { attributes: 'colour' }],
      ['input.id', { id: 'not-a-uuid' }],
    ];
    const refusals = [];
    for (const [, change] of cases) {
      const result = await upsert({ ...input(), ...change });
      refusals.push({ change: JSON.stringify(change).slice(0, 80), codes: codes(result.errors), field: result.errors?.[0]?.extensions?.field });
    }
    // All cases at once, so a failure shows every field that was not refused as expected.
    expect(refusals).toEqual(cases.map(([field, change]) => ({ change: JSON.stringify(change).slice(0, 80), codes: ['BAD_USER_INPUT'], field })));
    expect(await productCount()).toBe(before);
  });
});

describe('setStock', () => {
  let pool: string[];
  beforeAll(async () => {
    pool = await productIds(stack, 10, 500);
  });

  it('is UNAUTHENTICATED anonymously and FORBIDDEN for customers, and changes nothing', async () => {
    const productId = pool[0]!;
    const before = await stockOf(stack, productId);
    expect(codes((await stack.request(SetStockDocument, { productId, onHand: 999 })).errors)).toEqual(['UNAUTHENTICATED']);
    expect(codes((await stack.request(SetStockDocument, { productId, onHand: 999 }, customer)).errors)).toEqual(['FORBIDDEN']);
    expect(await stockOf(stack, productId)).toEqual(before);
  });

  it('sets on-hand stock for an admin, with an audit row naming the admin', async () => {
    const productId = pool[1]!;
    const before = await stockOf(stack, productId);
    const { setStock } = await stack.data(SetStockDocument, { productId, onHand: before.onHand + 25 }, admin);
    expect(setStock).toEqual({ id: productId, availability: { inStock: true, availableQuantity: before.onHand + 25 } });
    const movements = await sql<{ reason: string; onHandDelta: number; onHandAfter: number; reference: string }>(
      stack.db.url,
      `SELECT "reason"::text AS "reason", "onHandDelta", "onHandAfter", "reference" FROM "catalog"."StockMovement" WHERE "productId" = $1 AND "reason" = 'SET_STOCK'`,
      [productId],
    );
    expect(movements).toEqual([{ reason: 'SET_STOCK', onHandDelta: 25, onHandAfter: before.onHand + 25, reference: 'admin:admin-ann' }]);
  });

  it('refuses a negative count or one below the reserved units', async () => {
    const productId = pool[2]!;
    await setStockInDb(stack, productId, 10);
    const { body } = await callInternal<{ ok: boolean }>(stack, 'reserve', { checkoutKey: `admin:${randomUUID()}`, lines: [{ productId, quantity: 4 }] });
    expect(body).toMatchObject({ ok: true });
    for (const onHand of [-1, 3]) {
      const result = await stack.request(SetStockDocument, { productId, onHand }, admin);
      expect(codes(result.errors), `onHand ${onHand}`).toEqual(['BAD_USER_INPUT']);
    }
    expect(await stockOf(stack, productId)).toEqual({ onHand: 10, reserved: 4 });
    await stack.data(SetStockDocument, { productId, onHand: 4 }, admin);
    expect(await stockOf(stack, productId)).toEqual({ onHand: 4, reserved: 4 });
  });

  it('an unknown or malformed product id is NOT_FOUND', async () => {
    for (const productId of [randomUUID(), 'nope']) {
      const result = await stack.request(SetStockDocument, { productId, onHand: 1 }, admin);
      expect(codes(result.errors)).toEqual(['NOT_FOUND']);
    }
  });
});

describe('the sweep timer', () => {
  it('releases an expired reservation without anyone asking', async () => {
    const [productId] = await productIds(stack, 1, 520);
    await setStockInDb(stack, productId!, 3);
    const checkoutKey = `timer:${randomUUID()}`;
    const { body } = await callInternal<{ ok: boolean }>(stack, 'reserve', { checkoutKey, lines: [{ productId, quantity: 2 }], ttlSeconds: 1 });
    expect(body).toMatchObject({ ok: true });
    expect(await stockOf(stack, productId!)).toEqual({ onHand: 3, reserved: 2 });
    await expect.poll(() => stockOf(stack, productId!), { timeout: 5_000, interval: 100 }).toEqual({ onHand: 3, reserved: 0 });
    const [reservation] = await sql<{ status: string }>(stack.db.url, 'SELECT "status"::text AS "status" FROM "catalog"."Reservation" WHERE "checkoutKey" = $1', [checkoutKey]);
    expect(reservation?.status).toBe('EXPIRED');
  });
});
