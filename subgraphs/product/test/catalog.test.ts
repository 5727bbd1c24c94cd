import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CategoriesDocument, SearchProductsDocument, SetStockDocument, UpsertProductDocument, type ProductFilter, type SearchProductsQuery } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { sql } from '@platform/testing';
import { codes, countOf } from './helpers.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const admin = { user: 'catalog-admin', role: 'admin' } as const;
type Node = SearchProductsQuery['products']['edges'][number]['node'];

/** Walks every page of a query and returns the nodes in order plus each page's totalCount. */
async function allPages(filter: ProductFilter | undefined, first: number): Promise<{ nodes: Node[]; totals: number[]; pages: number }> {
  const nodes: Node[] = [];
  const totals: number[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const { products }: SearchProductsQuery = await stack.data(SearchProductsDocument, { filter, first, after });
    pages += 1;
    nodes.push(...products.edges.map((e) => e.node));
    totals.push(products.totalCount);
    expect(products.edges.length).toBeLessThanOrEqual(first);
    if (!products.pageInfo.hasNextPage) return { nodes, totals, pages };
    expect(products.pageInfo.endCursor).toBe(products.edges.at(-1)!.cursor);
    after = products.pageInfo.endCursor;
  }
}

/** Each value that occurs more than once, at its second and later occurrences. */
const duplicates = <T>(values: T[]) => values.filter((v, i) => values.indexOf(v) !== i);

const search = (text: string, first = 10) => stack.data(SearchProductsDocument, { filter: { search: text }, first });

describe('full-text search', () => {
  it('ranks the product whose exact name was typed first, for a sample across the catalog', async () => {
    const catalog = await sql<{ id: string; name: string }>(stack.db.url, 'SELECT "id", "name" FROM "catalog"."Product" ORDER BY "sku"');
    const sample = catalog.filter((_, i) => i % 53 === 0);
    expect(sample.length).toBeGreaterThanOrEqual(20);
    const firsts: ({ id: string; name: string } | undefined)[] = [];
    for (const product of sample) {
      const top = (await search(product.name, 3)).products.edges[0]?.node;
      firsts.push(top && { id: top.id, name: top.name });
    }
    // All at once, so a failure lists every name that was not ranked first.
    expect(firsts).toEqual(sample);
  });

  it('puts the exact name first even when another product repeats its words more often', async () => {
    const exact = await stack.data(UpsertProductDocument, { input: { sku: 'TEST-AURORA-1', name: 'Aurora Kettle', brand: 'Zenith', description: 'A kettle.' } }, admin);
    const decoy = await stack.data(
      UpsertProductDocument,
      { input: { sku: 'TEST-AURORA-2', name: 'Aurora Kettle Aurora Kettle Deluxe', brand: 'Aurora Kettle', description: 'Aurora kettle: the aurora kettle of aurora kettles.' } },
      admin,
    );
    // Without the exact-name rule, plain cover-density ranking would put the decoy first.
    const ranks = await sql<{ id: string }>(
      stack.db.url,
      `SELECT p."id" FROM "catalog"."Product" p, websearch_to_tsquery('simple', 'Aurora Kettle') q
       WHERE p."searchVector" @@ q ORDER BY ts_rank_cd(p."searchVector", q, 32) DESC`,
    );
    expect(ranks[0]!.id).toBe(decoy.upsertProduct.id);

    const { products } = await search('  aurora   KETTLE ');
    expect(products.edges.map((e) => e.node.id)).toEqual([exact.upsertProduct.id, decoy.upsertProduct.id]);
    expect(products.totalCount).toBe(2);
  });

  it('finds products by their brand', async () => {
    const { products } = await search('Wardah', 100);
    expect(products.totalCount).toBeGreaterThanOrEqual(20);
    expect(products.edges.map((e) => e.node).filter((n) => n.brand !== 'Wardah' && !/wardah/i.test(n.name))).toEqual([]);
  });

  it('a search with no matching word returns an empty page with totalCount 0', async () => {
    const { products } = await search('qwertyuiopzzz');
    expect(products).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('a search made only of punctuation or spaces is harmless', async () => {
    expect((await search('!!! ???')).products.totalCount).toBe(0);
    const blank = await search('   ');
    expect(blank.products.totalCount).toBeGreaterThanOrEqual(1268);
  });

  it('a search longer than 200 characters is BAD_USER_INPUT', async () => {
    const result = await stack.request(SearchProductsDocument, { filter: { search: 'a'.repeat(201) } });
    expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('filters', () => {
  it('categoryId includes every descendant category, and only those', async () => {
    const [root] = await sql<{ id: string }>(stack.db.url, `SELECT "id" FROM "catalog"."Category" WHERE "path" = 'electronics'`);
    const count = await countOf(stack, `SELECT count(*)::int AS count FROM "catalog"."Product" p JOIN "catalog"."Category" c ON c."id" = p."categoryId" WHERE c."path" LIKE 'electronics/%' OR c."path" = 'electronics'`);
    const { nodes, totals } = await allPages({ categoryId: root!.id }, 100);
    expect(nodes.length).toBe(count);
    expect(new Set(totals)).toEqual(new Set([count]));
    expect(nodes.filter((n) => !n.category?.path.startsWith('electronics/'))).toEqual([]);
    expect(new Set(nodes.map((n) => n.category!.slug)).size).toBeGreaterThanOrEqual(3);
  });

  it('a leaf categoryId returns only that category', async () => {
    const [leaf] = await sql<{ id: string; path: string }>(stack.db.url, `SELECT "id", "path" FROM "catalog"."Category" WHERE "path" = 'electronics/audio'`);
    const count = await countOf(stack, `SELECT count(*)::int AS count FROM "catalog"."Product" WHERE "categoryId" = $1`, [leaf!.id]);
    expect(count).toBeGreaterThan(0);
    const { products } = await stack.data(SearchProductsDocument, { filter: { categoryId: leaf!.id }, first: 100 });
    expect(products.totalCount).toBe(count);
    expect(products.edges.map((e) => e.node.category?.path)).toEqual(Array(Math.min(count, 100)).fill('electronics/audio'));
  });

  it('an unknown categoryId matches nothing and a malformed one is BAD_USER_INPUT', async () => {
    const unknown = await stack.data(SearchProductsDocument, { filter: { categoryId: '00000000-0000-4000-8000-000000000000' } });
    expect(unknown.products.totalCount).toBe(0);
    const malformed = await stack.request(SearchProductsDocument, { filter: { categoryId: 'electronics' } });
    expect(codes(malformed.errors)).toEqual(['BAD_USER_INPUT']);
  });

  it('brand matches case-insensitively and only that brand', async () => {
    const count = await countOf(stack, `SELECT count(*)::int AS count FROM "catalog"."Product" WHERE "brand" = 'Xiaomi'`);
    const { products } = await stack.data(SearchProductsDocument, { filter: { brand: 'xiaomi' }, first: 100 });
    expect(products.totalCount).toBe(count);
    expect(products.edges.map((e) => e.node.brand)).toEqual(Array(count).fill('Xiaomi'));
  });

  it('inStockOnly leaves out products with nothing available, including fully reserved ones', async () => {
    const [reservedOut] = await sql<{ id: string }>(stack.db.url, `SELECT "productId" AS id FROM "catalog"."Inventory" WHERE "onHand" > 0 ORDER BY "productId" LIMIT 1`);
    await sql(stack.db.url, `UPDATE "catalog"."Inventory" SET "reserved" = "onHand" WHERE "productId" = $1`, [reservedOut!.id]);
    const count = await countOf(stack, `SELECT count(*)::int AS count FROM "catalog"."Inventory" WHERE "onHand" > "reserved"`);
    const outOfStock = await sql<{ id: string }>(stack.db.url, `SELECT "productId" AS id FROM "catalog"."Inventory" WHERE "onHand" <= "reserved"`);
    expect(outOfStock.length).toBeGreaterThan(1);

    const { nodes, totals } = await allPages({ inStockOnly: true }, 100);
    expect(nodes.length).toBe(count);
    expect(totals[0]).toBe(count);
    const ids = new Set(nodes.map((n) => n.id));
    expect(outOfStock.filter((p) => ids.has(p.id))).toEqual([]);
    expect(nodes.filter((n) => !n.availability.inStock || n.availability.availableQuantity <= 0)).toEqual([]);
  });

  it('combines search, category, brand and inStockOnly', async () => {
    const [electronics] = await sql<{ id: string }>(stack.db.url, `SELECT "id" FROM "catalog"."Category" WHERE "path" = 'electronics'`);
    const expected = await sql<{ id: string }>(
      stack.db.url,
      `SELECT p."id" FROM "catalog"."Product" p
       JOIN "catalog"."Category" c ON c."id" = p."categoryId"
       JOIN "catalog"."Inventory" i ON i."productId" = p."id"
       WHERE p."searchVector" @@ websearch_to_tsquery('simple', 'watch') AND c."path" LIKE 'electronics/%'
         AND p."brand" = 'Xiaomi' AND i."onHand" > i."reserved"`,
    );
    expect(expected.length).toBeGreaterThan(1);
    const { products } = await stack.data(SearchProductsDocument, { filter: { search: 'watch', categoryId: electronics!.id, brand: 'Xiaomi', inStockOnly: true }, first: 100 });
    expect(products.totalCount).toBe(expected.length);
    expect(products.edges.map((e) => e.node.id).sort()).toEqual(expected.map((r) => r.id).sort());
    expect(products.edges.map((e) => e.node).filter((n) => n.brand !== 'Xiaomi' || !n.availability.inStock)).toEqual([]);
  });

  it('a product set to zero stock drops out of inStockOnly', async () => {
    const { products } = await stack.data(SearchProductsDocument, { filter: { brand: 'Wardah', inStockOnly: true }, first: 100 });
    const victim = products.edges[0]!.node;
    await stack.data(SetStockDocument, { productId: victim.id, onHand: 0 }, admin);
    const after = await stack.data(SearchProductsDocument, { filter: { brand: 'Wardah', inStockOnly: true }, first: 100 });
    expect(after.products.totalCount).toBe(products.totalCount - 1);
    expect(after.products.edges.map((e) => e.node.id)).not.toContain(victim.id);
  });
});

describe('cursor pagination', () => {
  it('walks the whole catalog in pages of 100 with no duplicates or gaps', async () => {
    const expected = await sql<{ id: string }>(stack.db.url, 'SELECT "id" FROM "catalog"."Product" ORDER BY "id"');
    const { nodes, totals, pages } = await allPages(undefined, 100);
    expect(pages).toBe(Math.ceil(expected.length / 100));
    expect(nodes.map((n) => n.id)).toEqual(expected.map((r) => r.id));
    expect(new Set(totals)).toEqual(new Set([expected.length]));
  });

  it('walks ranked search results (many equal scores) in small pages exactly like one big page', async () => {
    const full = await stack.data(SearchProductsDocument, { filter: { search: 'pack' }, first: 100 });
    const total = full.products.totalCount;
    expect(total).toBeGreaterThan(100);
    const { nodes, pages } = await allPages({ search: 'pack' }, 17);
    expect(pages).toBe(Math.ceil(total / 17));
    const ids = nodes.map((n) => n.id);
    expect(duplicates(ids)).toEqual([]);
    expect(ids).toHaveLength(total);
    expect(ids.slice(0, 100)).toEqual(full.products.edges.map((e) => e.node.id));
    const count = await countOf(stack, `SELECT count(*)::int AS count FROM "catalog"."Product" WHERE "searchVector" @@ websearch_to_tsquery('simple', 'pack')`);
    expect(ids.length).toBe(count);
  });

  it('walks filtered pages with no duplicates or gaps', async () => {
    const { nodes, totals } = await allPages({ inStockOnly: true, search: 'pink' }, 4);
    expect(duplicates(nodes.map((n) => n.id))).toEqual([]);
    expect(nodes.length).toBe(totals[0]);
  });

  it('first: 0 returns no edges but the count and whether more exist', async () => {
    const { products } = await stack.data(SearchProductsDocument, { first: 0 });
    expect(products.edges).toEqual([]);
    expect(products.pageInfo.hasNextPage).toBe(true);
    expect(products.totalCount).toBeGreaterThanOrEqual(1268);
  });

  it('first above 100 or below 0 is BAD_USER_INPUT', async () => {
    for (const first of [101, 1000, -1]) {
      const result = await stack.request(SearchProductsDocument, { first });
      expect(codes(result.errors), `first: ${first}`).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('a forged cursor, or one from another search, is BAD_USER_INPUT', async () => {
    const ranked = await stack.data(SearchProductsDocument, { filter: { search: 'pack' }, first: 2 });
    const other = await stack.request(SearchProductsDocument, { filter: { search: 'rice' }, after: ranked.products.pageInfo.endCursor });
    expect(codes(other.errors)).toEqual(['BAD_USER_INPUT']);
    const unranked = await stack.request(SearchProductsDocument, { after: ranked.products.pageInfo.endCursor });
    expect(codes(unranked.errors)).toEqual(['BAD_USER_INPUT']);
    const garbage = await stack.request(SearchProductsDocument, { after: 'not-a-cursor' });
    expect(codes(garbage.errors)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('categories', () => {
  it('lists the whole tree, parents before children, each child linked to its parent', async () => {
    const { categories } = await stack.data(CategoriesDocument, {});
    expect(categories).toHaveLength(38);
    const seen = new Map<string, string>();
    for (const c of categories) {
      if (c.parent) expect(seen.get(c.parent.id), c.path).toBe(c.parent.slug);
      else expect(c.path).toBe(c.slug);
      seen.set(c.id, c.slug);
    }
    const pathOf = new Map(categories.map((c) => [c.id, c.path]));
    expect(categories.filter((c) => c.parent && !c.path.startsWith(`${pathOf.get(c.parent.id)}/`)).map((c) => c.path)).toEqual([]);
  });
});
