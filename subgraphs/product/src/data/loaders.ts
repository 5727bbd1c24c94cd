/**
 * Per-request DataLoaders over the cached catalog reads (never shared between requests, so no
 * caller sees another's batch). With a `reader` (a request's caller), products, categories and
 * recommendations may come from the read replica; availability is stock and never does.
 */
import DataLoader from 'dataloader';
import type { CacheTags } from '@platform/server';
import type { Category, Product } from '../generated/prisma/client.ts';
import { loadAvailability, loadCategories, loadProducts, type AvailabilityRow, type CatalogReads, type Reader } from '../cache/catalog-reads.ts';
import type { SaleCache } from '../cache/flash-sales.ts';
import type { SaleRow } from './flash-sales.ts';
import { alignById } from './products.ts';
import { loadBestSellers, loadPartners } from '../cache/affinity-reads.ts';
import type { AffinityCandidate } from './affinity.ts';

export function createLoaders(reads: CatalogReads, sales: SaleCache, tags: CacheTags | null = null, reader?: Reader) {
  let categories: Promise<Category[]> | undefined;
  const allCategories = () => (categories ??= loadCategories(reads, tags, reader));
  const replica = reader !== undefined;
  return {
    product: new DataLoader<string, Product | null>((ids) => loadProducts(reads, ids, tags, reader)),
    category: new DataLoader<string, Category | null>(async (ids) => alignById(ids, await allCategories(), (c) => c.id)),
    availability: new DataLoader<string, AvailabilityRow>((ids) => loadAvailability(reads, ids, tags)),
    /** Flash sales, at most a second old (`cache/flash-sales.ts`). */
    flashSale: new DataLoader<string, SaleRow | null>((ids) => sales.load(ids)),
    /** A product's "frequently bought together" partners with scores, strongest first. */
    partners: new DataLoader<string, AffinityCandidate[]>((ids) => loadPartners(reads, ids, tags, replica)),
    /** A category's best sellers (key '' for the whole catalog). */
    bestSellers: new DataLoader<string, string[]>((keys) => loadBestSellers(reads, keys.map((k) => k || null), tags, replica)),
    /** The category tree, read once per request. */
    categories: allCategories,
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
