/**
 * The product subgraph's Redis data: product entities and the category tree (PRODUCT_CACHE_TTL_SECONDS)
 * and availability (AVAILABILITY_CACHE_TTL_SECONDS, at most 60 s). Keys live under `catalog:` and
 * carry a schema version, so a deploy that changes a cached shape never reads the old one.
 *
 * Writers invalidate after they commit. A reader that loaded a row just before the commit could
 * still write it back just after the invalidation; a second delete a moment later closes that
 * window ("delayed double delete") without making readers pay for it.
 */
import { createJsonCache, type Redis } from '@platform/redis';
import type { Logger } from '@platform/logger';
import type { Metrics } from '@platform/server';
import type { Category, Product } from '../generated/prisma/client.ts';
import type { AffinityCandidate } from '../data/affinity.ts';

const keys = {
  product: (id: string) => `catalog:product:v1:${id}`,
  availability: (id: string) => `catalog:availability:v1:${id}`,
  categories: 'catalog:categories:v1',
  affinity: (id: string) => `catalog:affinity:v1:${id}`,
  bestSellers: (categoryId: string | null) => `catalog:bestsellers:v1:${categoryId ?? '*'}`,
};

/** How long after an invalidation the second delete runs. */
const SECOND_DELETE_MS = 1_000;

type Cached<T> = Omit<T, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

const reviveProduct = (p: Cached<Product>): Product => ({ ...p, createdAt: new Date(p.createdAt), updatedAt: new Date(p.updatedAt) });
const reviveCategory = (c: Omit<Category, 'createdAt'> & { createdAt: string }): Category => ({ ...c, createdAt: new Date(c.createdAt) });

export interface CatalogCacheSettings {
  productTtlSeconds: number;
  availabilityTtlSeconds: number;
  /** Counts lookups by cache and result (hit or miss), for `/metrics`. */
  lookups?: ReturnType<Metrics['counter']>;
}

export type CatalogCache = ReturnType<typeof createCatalogCache>;

/** Creates the catalog cache on a Redis connection; every method degrades to a miss or a no-op without Redis. */
export function createCatalogCache(redis: Redis, logger: Logger, settings: CatalogCacheSettings) {
  const json = createJsonCache(redis, logger);
  const count = (cache: string, hits: number, misses: number) => {
    if (hits) settings.lookups?.inc({ cache, result: 'hit' }, hits);
    if (misses) settings.lookups?.inc({ cache, result: 'miss' }, misses);
  };
  const invalidate = async (list: string[]) => {
    if (list.length === 0) return;
    await json.del(...list);
    setTimeout(() => void json.del(...list), SECOND_DELETE_MS).unref();
  };
  async function getMany<T>(cache: string, list: string[]): Promise<(T | undefined)[]> {
    const values = await json.getMany<T>(list);
    const hits = values.filter((v) => v !== undefined).length;
    count(cache, hits, values.length - hits);
    return values;
  }

  return {
    products: {
      /** Cached products aligned to `ids`; `undefined` where not cached. */
      async get(ids: readonly string[]): Promise<(Product | undefined)[]> {
        const values = await getMany<Cached<Product>>('product', ids.map(keys.product));
        return values.map((v) => (v ? reviveProduct(v) : undefined));
      },
      set: (rows: readonly Product[]) => json.setMany(rows.map((p) => ({ key: keys.product(p.id), value: p })), settings.productTtlSeconds),
      invalidate: (ids: readonly string[]) => invalidate(ids.map(keys.product)),
    },
    availability: {
      /** Cached available quantities aligned to `ids` (only products that exist are cached). */
      get: (ids: readonly string[]) => getMany<number>('availability', ids.map(keys.availability)),
      set: (entries: readonly { productId: string; availableQuantity: number }[]) =>
        json.setMany(entries.map((e) => ({ key: keys.availability(e.productId), value: e.availableQuantity })), settings.availabilityTtlSeconds),
      invalidate: (ids: readonly string[]) => invalidate([...new Set(ids)].map(keys.availability)),
    },
    categories: {
      async get(): Promise<Category[] | undefined> {
        const [value] = await getMany<(Omit<Category, 'createdAt'> & { createdAt: string })[]>('categories', [keys.categories]);
        return value?.map(reviveCategory);
      },
      set: (rows: readonly Category[]) => json.setMany([{ key: keys.categories, value: rows }], settings.productTtlSeconds),
    },
    /** A product's strongest partners with their scores (dropped by the affinity consumer when they change). */
    affinity: {
      get: (ids: readonly string[]) => getMany<AffinityCandidate[]>('affinity', ids.map(keys.affinity)),
      set: (entries: readonly { productId: string; candidates: AffinityCandidate[] }[]) =>
        json.setMany(entries.map((e) => ({ key: keys.affinity(e.productId), value: e.candidates })), settings.productTtlSeconds),
      invalidate: (ids: readonly string[]) => invalidate([...new Set(ids)].map(keys.affinity)),
    },
    /** A category's (or, for `null`, the catalog's) best sellers (dropped when a paid order changes them). */
    bestSellers: {
      get: (categoryIds: readonly (string | null)[]) => getMany<string[]>('bestsellers', categoryIds.map(keys.bestSellers)),
      set: (entries: readonly { categoryId: string | null; productIds: string[] }[]) =>
        json.setMany(entries.map((e) => ({ key: keys.bestSellers(e.categoryId), value: e.productIds })), settings.productTtlSeconds),
      invalidate: (categoryIds: readonly (string | null)[]) => invalidate([...new Set(categoryIds)].map(keys.bestSellers)),
    },
  };
}
