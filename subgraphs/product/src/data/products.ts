/**
 * Catalog reads in SQL: pages of filtered (optionally full-text ranked) products with their
 * counts, products and availability by id, and the category tree. Every query is a tagged
 * template, so values always travel as parameters.
 */
import { Prisma, type Category, type PrismaClient, type Product } from '../generated/prisma/client.ts';

export interface ProductQuery {
  /** Normalised full-text query (trimmed, single spaces, non-empty); absent means no text search. */
  search?: string;
  /** A category; its descendants (by materialised path) match too. */
  categoryId?: string;
  /** Brand, compared case-insensitively. */
  brand?: string;
  /** Only products with at least one unit available (on hand minus reserved). */
  inStockOnly?: boolean;
}

/** Where the previous page ended: its last id and, for ranked search, its score as Postgres printed it. */
export interface Seek {
  id: string;
  score?: string;
}

/** A product of a page; `score` (exact text of a float8) is set for ranked search only. */
export type ProductPageRow = Product & { score: string | null };

const COLUMNS = Prisma.sql`p."id", p."sku", p."name", p."description", p."brand", p."categoryId", p."images", p."attributes", p."createdAt", p."updatedAt"`;

function from(query: ProductQuery): Prisma.Sql {
  return query.search
    ? Prisma.sql`FROM "catalog"."Product" p CROSS JOIN websearch_to_tsquery('simple', ${query.search}) AS q(query)`
    : Prisma.sql`FROM "catalog"."Product" p`;
}

function conditions(query: ProductQuery): Prisma.Sql[] {
  const parts: Prisma.Sql[] = [];
  if (query.search) parts.push(Prisma.sql`p."searchVector" @@ q.query`);
  if (query.categoryId) {
    // starts_with on "path/" rather than LIKE: slugs could contain LIKE wildcards such as "_".
    parts.push(Prisma.sql`p."categoryId" IN (
      SELECT c."id" FROM "catalog"."Category" root
      JOIN "catalog"."Category" c ON c."id" = root."id" OR starts_with(c."path", root."path" || '/')
      WHERE root."id" = ${query.categoryId}::uuid)`);
  }
  if (query.brand) parts.push(Prisma.sql`lower(p."brand") = lower(${query.brand})`);
  if (query.inStockOnly) parts.push(Prisma.sql`EXISTS (SELECT 1 FROM "catalog"."Inventory" i WHERE i."productId" = p."id" AND i."onHand" > i."reserved")`);
  return parts;
}

const where = (parts: Prisma.Sql[]) => (parts.length ? Prisma.sql`WHERE ${Prisma.join(parts, ' AND ')}` : Prisma.empty);

/**
 * Relevance: cover density over the weighted vector (name A, brand B, description C), normalised
 * into [0, 1) by flag 32, plus 1 when the query is the product's exact name, so that name always
 * comes first whatever other products repeat its words.
 */
const score = (search: string) => Prisma.sql`(ts_rank_cd(p."searchVector", q.query, 32)::float8
  + CASE WHEN lower(regexp_replace(btrim(p."name"), '[[:space:]]+', ' ', 'g')) = lower(${search}) THEN 1 ELSE 0 END)`;

/**
 * Up to `limit` products after `after`: by score then id for a text search, else by id (UUID v7,
 * roughly creation order). Seeking on (score, id) keeps pages free of gaps and duplicates.
 */
export async function findProductPage(prisma: PrismaClient, query: ProductQuery, after: Seek | undefined, limit: number): Promise<ProductPageRow[]> {
  const parts = conditions(query);
  if (!query.search) {
    if (after) parts.push(Prisma.sql`p."id" > ${after.id}::uuid`);
    const rows = await prisma.$queryRaw<Product[]>`SELECT ${COLUMNS} ${from(query)} ${where(parts)} ORDER BY p."id" LIMIT ${limit}`;
    return rows.map((row) => ({ ...row, score: null }));
  }
  const seek = after
    ? Prisma.sql`WHERE m."score" < ${after.score}::float8 OR (m."score" = ${after.score}::float8 AND m."id" > ${after.id}::uuid)`
    : Prisma.empty;
  // The score travels as text: Postgres prints a float8 exactly, so the cursor seeks on the very value it ordered by.
  return prisma.$queryRaw<ProductPageRow[]>`
    SELECT m."id", m."sku", m."name", m."description", m."brand", m."categoryId", m."images", m."attributes", m."createdAt", m."updatedAt", m."score"::text AS "score"
    FROM (SELECT ${COLUMNS}, ${score(query.search)} AS "score" ${from(query)} ${where(parts)}) m
    ${seek}
    ORDER BY m."score" DESC, m."id" ASC
    LIMIT ${limit}`;
}

/** How many products match `query` in total. */
export async function countProducts(prisma: PrismaClient, query: ProductQuery): Promise<number> {
  const [row] = await prisma.$queryRaw<[{ count: number }]>`SELECT count(*)::int AS "count" ${from(query)} ${where(conditions(query))}`;
  return row.count;
}

/** Orders rows to match `keys` (DataLoader needs a dense array aligned to its keys). */
export function alignById<T>(keys: readonly string[], rows: readonly T[], idOf: (row: T) => string): (T | null)[] {
  const byId = new Map(rows.map((row) => [idOf(row), row]));
  return keys.map((key) => byId.get(key) ?? null);
}

/** Products by id, in no particular order; one statement however many ids. */
export const findProductsByIds = (prisma: PrismaClient, ids: readonly string[]): Promise<Product[]> => prisma.product.findMany({ where: { id: { in: [...ids] } } });

/** Every category, parents before children. */
export const findCategories = (prisma: PrismaClient): Promise<Category[]> => prisma.category.findMany({ orderBy: [{ path: 'asc' }] });

export interface StockRow {
  productId: string;
  /** On hand minus reserved (reserved already counts every active reservation). */
  availableQuantity: number;
}

/** Availability of the given products that exist (a product without an inventory row has none). */
export async function findAvailability(prisma: PrismaClient, ids: readonly string[]): Promise<StockRow[]> {
  return prisma.$queryRaw<StockRow[]>`
    SELECT p."id" AS "productId", GREATEST(COALESCE(i."onHand" - i."reserved", 0), 0)::int AS "availableQuantity"
    FROM "catalog"."Product" p LEFT JOIN "catalog"."Inventory" i ON i."productId" = p."id"
    WHERE p."id" = ANY(${[...ids]}::uuid[])`;
}
