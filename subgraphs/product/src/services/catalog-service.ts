/**
 * Catalog reads: pages of products, filtered and optionally ranked by full-text relevance, with
 * opaque cursors that seek on the exact sort key, so pages never skip or repeat a product.
 */
import { createHash } from 'node:crypto';
import { badUserInput, isUuid } from '@platform/errors';
import type { Category, Product } from '../generated/prisma/client.ts';
import type { RequestContext } from '../request-context.ts';
import { CATALOG_WRITES, readCatalog, type CatalogReads } from '../cache/catalog-reads.ts';
import { ANY_STOCK_TAG, CATALOG_TAG } from '../cache/tags.ts';
import { countProducts, findProductPage, type ProductQuery, type Seek } from '../data/products.ts';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
const MAX_SEARCH_LENGTH = 200;
const MAX_BRAND_LENGTH = 100;

export interface ProductFilterInput {
  search?: string | null;
  categoryId?: string | null;
  brand?: string | null;
  inStockOnly?: boolean | null;
}

export interface ProductPage {
  edges: { cursor: string; node: Product }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Counts the matches; run only when a client selects `totalCount`. */
  count: () => Promise<number>;
}

/** Cursor content: the last row's id, and for ranked search its score and a digest of the query it belongs to. */
interface CursorData {
  id: string;
  s?: string;
  q?: string;
}

const FLOAT_TEXT = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;
const searchDigest = (search: string) => createHash('sha256').update(search).digest('base64url').slice(0, 10);
const encodeCursor = (data: CursorData) => Buffer.from(JSON.stringify(data)).toString('base64url');

function decodeCursor(cursor: string, search: string | undefined): Seek {
  const invalid = () => badUserInput('`after` is not a cursor returned by this query.', { field: 'after' });
  let data: CursorData;
  try {
    data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorData;
  } catch {
    throw invalid();
  }
  if (typeof data !== 'object' || data === null || !isUuid(data.id)) throw invalid();
  if (search === undefined) {
    if (data.s !== undefined) throw invalid();
    return { id: data.id };
  }
  // A ranked cursor only means something for the query that ranked it.
  if (typeof data.s !== 'string' || !FLOAT_TEXT.test(data.s) || data.q !== searchDigest(search)) throw invalid();
  return { id: data.id, score: data.s };
}

/** Validates and normalises a filter into a query. */
export function toProductQuery(filter: ProductFilterInput | null | undefined): ProductQuery {
  const query: ProductQuery = {};
  const search = filter?.search?.trim().replace(/\s+/g, ' ');
  if (search) {
    if (search.length > MAX_SEARCH_LENGTH) throw badUserInput(`\`search\` may be at most ${MAX_SEARCH_LENGTH} characters.`, { field: 'filter.search' });
    query.search = search;
  }
  if (filter?.categoryId != null) {
    if (!isUuid(filter.categoryId)) throw badUserInput('`categoryId` is not a category id.', { field: 'filter.categoryId' });
    query.categoryId = filter.categoryId;
  }
  const brand = filter?.brand?.trim();
  if (brand) {
    if (brand.length > MAX_BRAND_LENGTH) throw badUserInput(`\`brand\` may be at most ${MAX_BRAND_LENGTH} characters.`, { field: 'filter.brand' });
    query.brand = brand;
  }
  if (filter?.inStockOnly) query.inStockOnly = true;
  return query;
}

export class CatalogService {
  constructor(private readonly deps: { reads: CatalogReads }) {}

  /**
   * One page of products matching `filter`, gap-free and repeat-free across pages: by relevance
   * (then id) when it has search text, else by id (UUID v7, roughly creation order). A shopper's
   * page may come from the read replica; one filtered on stock always comes from the primary.
   */
  async listProducts(ctx: RequestContext, args: { filter?: ProductFilterInput | null; first?: number | null; after?: string | null }): Promise<ProductPage> {
    // Bad input is answered before any read (a read that throws on the replica is retried on the primary).
    const request = pageRequest(args);
    const guarded = request.query.inStockOnly ? [CATALOG_TAG, ANY_STOCK_TAG] : [CATALOG_TAG];
    // Tokens first, then Postgres: a token must never be newer than the rows it guards.
    await ctx.tags?.guard(guarded);
    const reader = request.query.inStockOnly ? undefined : ctx.reader;
    const run = async <T>(fn: (db: CatalogReads['prisma']) => Promise<T>) => (await readCatalog(this.deps.reads, reader, CATALOG_WRITES, ctx.tags, (db) => fn(db.prisma))).rows;
    return listProducts(request, run);
  }

  /** The category tree, parents before children. */
  categories(ctx: RequestContext): Promise<Category[]> {
    return ctx.loaders.categories();
  }

  /** A product by id (any case), or null when there is none. */
  product(ctx: RequestContext, id: string): Promise<Product | null> {
    return isUuid(id) ? ctx.loaders.product.load(id.toLowerCase()) : Promise.resolve(null);
  }

  /** The product's stock as shoppers see it (at most 60 s stale). */
  async availability(ctx: RequestContext, product: Product): Promise<{ inStock: boolean; availableQuantity: number }> {
    const { availableQuantity } = await ctx.loaders.availability.load(product.id);
    return { inStock: availableQuantity > 0, availableQuantity };
  }
}

interface PageRequest {
  first: number;
  query: ProductQuery;
  after: Seek | undefined;
}

/** Validates the page arguments; BAD_USER_INPUT naming the first bad one. */
function pageRequest(args: { filter?: ProductFilterInput | null; first?: number | null; after?: string | null }): PageRequest {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badUserInput(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}.`, { field: 'first' });
  const query = toProductQuery(args.filter);
  const after = args.after ? decodeCursor(args.after, query.search) : undefined;
  return { first, query, after };
}

/** Reads one page (and, when asked, the count) through `run`, which picks the database. */
async function listProducts({ first, query, after }: PageRequest, run: <T>(fn: (prisma: CatalogReads['prisma']) => Promise<T>) => Promise<T>): Promise<ProductPage> {
  const rows = await run((prisma) => findProductPage(prisma, query, after, first + 1));
  const page = rows.slice(0, first);
  const cursorOf = (row: (typeof rows)[number]) =>
    encodeCursor(query.search && row.score !== null ? { id: row.id, s: row.score, q: searchDigest(query.search) } : { id: row.id });
  let counted: Promise<number> | undefined;
  return {
    edges: page.map((row) => {
      const { score: _score, ...node } = row;
      return { cursor: cursorOf(row), node };
    }),
    pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? cursorOf(page[page.length - 1]!) : null },
    count: () => (counted ??= run((prisma) => countProducts(prisma, query))),
  };
}
