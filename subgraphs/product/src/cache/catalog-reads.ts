/**
 * Catalog reads through the Redis cache: every product, category or availability a request
 * touches costs one cache round trip and, for what the cache lacks, one SQL statement per kind,
 * however many entities are asked for. Given a tag collector, each read notes the cache tags of
 * what it reads first (in the same Redis pipeline, so a token is never newer than its data).
 */
import type { CacheTags, SqlExecutor } from '@platform/server';
import type { Category, PrismaClient, Product } from '../generated/prisma/client.ts';
import { alignById, findAvailability, findCategories, findProductsByIds } from '../data/products.ts';
import type { CatalogCache } from './catalog-cache.ts';
import { CATEGORIES_TAG, productTag, stockTag } from './tags.ts';

export interface AvailabilityRow {
  productId: string;
  /** False when no such product exists. */
  exists: boolean;
  availableQuantity: number;
}

export interface CatalogReads {
  prisma: PrismaClient;
  cache: CatalogCache;
  /** Plain SQL on the same pool (recommendation reads). */
  sql: SqlExecutor;
}

/** Products by id, cache first; what the cache lacks is read in one statement and cached. */
export async function loadProducts({ prisma, cache }: CatalogReads, ids: readonly string[], tags?: CacheTags | null): Promise<(Product | null)[]> {
  const [, cached] = await Promise.all([tags?.guard(ids.map(productTag)), cache.products.get(ids)]);
  const missing = ids.filter((_, i) => cached[i] === undefined);
  const rows = missing.length ? await findProductsByIds(prisma, missing) : [];
  await cache.products.set(rows);
  const loaded = alignById(missing, rows, (p) => p.id);
  const fromDb = new Map(missing.map((id, i) => [id, loaded[i] ?? null]));
  return ids.map((id, i) => cached[i] ?? fromDb.get(id) ?? null);
}

/** Availability by product id, cache first (entries live at most 60 s and are dropped on every stock change). */
export async function loadAvailability({ prisma, cache }: CatalogReads, ids: readonly string[], tags?: CacheTags | null): Promise<AvailabilityRow[]> {
  const [, cached] = await Promise.all([tags?.guard(ids.map(stockTag)), cache.availability.get(ids)]);
  const missing = ids.filter((_, i) => cached[i] === undefined);
  const rows = missing.length ? await findAvailability(prisma, missing) : [];
  await cache.availability.set(rows);
  const fromDb = new Map(rows.map((r) => [r.productId, r.availableQuantity]));
  return ids.map((productId, i) => {
    const availableQuantity = cached[i] ?? fromDb.get(productId);
    return { productId, exists: availableQuantity !== undefined, availableQuantity: availableQuantity ?? 0 };
  });
}

/** The whole category tree (small, rarely changed), cache first. */
export async function loadCategories({ prisma, cache }: CatalogReads, tags?: CacheTags | null): Promise<Category[]> {
  const [, cached] = await Promise.all([tags?.guard([CATEGORIES_TAG]), cache.categories.get()]);
  if (cached) return cached;
  const rows = await findCategories(prisma);
  await cache.categories.set(rows);
  return rows;
}
