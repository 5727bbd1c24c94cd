/**
 * Per-request DataLoaders over the Redis cache: every product, category or availability a
 * request touches costs one cache round trip and, for what the cache lacks, one SQL statement
 * per kind, however many entities the gateway asks for.
 */
import DataLoader from 'dataloader';
import type { Category, PrismaClient, Product } from '../generated/prisma/client.ts';
import type { CatalogCache } from '../cache/catalog-cache.ts';
import { findAvailability, findCategories, findProductsByIds } from './products.ts';

/** Orders rows to match `keys` (DataLoader needs a dense array aligned to its keys). */
export function alignById<T>(keys: readonly string[], rows: readonly T[], idOf: (row: T) => string): (T | null)[] {
  const byId = new Map(rows.map((row) => [idOf(row), row]));
  return keys.map((key) => byId.get(key) ?? null);
}

export interface AvailabilityRow {
  productId: string;
  /** False when no such product exists. */
  exists: boolean;
  availableQuantity: number;
}

export interface CatalogReads {
  prisma: PrismaClient;
  cache: CatalogCache;
}

/** Products by id, cache first; what the cache lacks is read in one statement and cached. */
export async function loadProducts({ prisma, cache }: CatalogReads, ids: readonly string[]): Promise<(Product | null)[]> {
  const cached = await cache.products.get(ids);
  const missing = ids.filter((_, i) => cached[i] === undefined);
  const rows = missing.length ? await findProductsByIds(prisma, missing) : [];
  await cache.products.set(rows);
  const loaded = alignById(missing, rows, (p) => p.id);
  const fromDb = new Map(missing.map((id, i) => [id, loaded[i] ?? null]));
  return ids.map((id, i) => cached[i] ?? fromDb.get(id) ?? null);
}

/** Availability by product id, cache first (entries live at most 60 s and are dropped on every stock change). */
export async function loadAvailability({ prisma, cache }: CatalogReads, ids: readonly string[]): Promise<AvailabilityRow[]> {
  const cached = await cache.availability.get(ids);
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
export async function loadCategories({ prisma, cache }: CatalogReads): Promise<Category[]> {
  const cached = await cache.categories.get();
  if (cached) return cached;
  const rows = await findCategories(prisma);
  await cache.categories.set(rows);
  return rows;
}

/** Fresh loaders for one request (never shared between requests, so no caller sees another's batch). */
export function createLoaders(reads: CatalogReads) {
  let categories: Promise<Category[]> | undefined;
  const allCategories = () => (categories ??= loadCategories(reads));
  return {
    product: new DataLoader<string, Product | null>((ids) => loadProducts(reads, ids)),
    category: new DataLoader<string, Category | null>(async (ids) => alignById(ids, await allCategories(), (c) => c.id)),
    availability: new DataLoader<string, AvailabilityRow>((ids) => loadAvailability(reads, ids)),
    /** The category tree, read once per request. */
    categories: allCategories,
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
