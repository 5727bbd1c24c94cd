/** Per-request DataLoaders over the cached catalog reads (never shared between requests, so no caller sees another's batch). */
import DataLoader from 'dataloader';
import type { CacheTags } from '@platform/server';
import type { Category, Product } from '../generated/prisma/client.ts';
import { loadAvailability, loadCategories, loadProducts, type AvailabilityRow, type CatalogReads } from '../cache/catalog-reads.ts';
import { alignById } from './products.ts';

export function createLoaders(reads: CatalogReads, tags: CacheTags | null = null) {
  let categories: Promise<Category[]> | undefined;
  const allCategories = () => (categories ??= loadCategories(reads, tags));
  return {
    product: new DataLoader<string, Product | null>((ids) => loadProducts(reads, ids, tags)),
    category: new DataLoader<string, Category | null>(async (ids) => alignById(ids, await allCategories(), (c) => c.id)),
    availability: new DataLoader<string, AvailabilityRow>((ids) => loadAvailability(reads, ids, tags)),
    /** The category tree, read once per request. */
    categories: allCategories,
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
