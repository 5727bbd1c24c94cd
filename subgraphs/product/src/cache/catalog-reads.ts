/**
 * Catalog reads through the Redis cache: every product, category or availability a request
 * touches costs one cache round trip and, for what the cache lacks, one SQL statement per kind,
 * however many entities are asked for. Given a tag collector, each read notes the cache tags of
 * what it reads first (in the same Redis pipeline, so a token is never newer than its data).
 *
 * With a read replica (`PRODUCT_READ_DATABASE_URL`), what the cache lacks may be read from it
 * (`readCatalog`): a shopper's read goes where the read router sends that shopper (the primary
 * for a while after they wrote, so an admin sees their own edit). A replica row may be older
 * than the primary's, so it fills the shared caches (Redis, the gateway's) only when the replica
 * has replayed the last catalog write (`CATALOG_WRITES`); otherwise it is served to that reader
 * alone and the gateway is told not to store the answer. Stock (availability) and every internal
 * call (checkout's product lookups) read the primary, always.
 */
import type { CacheTags, ReadRouter, ReadTarget, SqlExecutor } from '@platform/server';
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

/** One database side: Prisma and plain SQL (recommendation reads) on the same pool. */
export interface CatalogDb {
  prisma: PrismaClient;
  sql: SqlExecutor;
}

export interface CatalogReads extends CatalogDb {
  cache: CatalogCache;
  /** Where stale-tolerant catalog reads go (the replica of `PRODUCT_READ_DATABASE_URL`, or the primary); none: the primary. */
  router?: ReadRouter<CatalogDb> | undefined;
}

/**
 * Who a stale-tolerant read is for: `userId` is the key of their read-your-writes mark (null:
 * anonymous, nothing to wait for). No reader: the read is not stale-tolerant and runs on the primary.
 */
export interface Reader {
  userId: string | null;
}

/** The shared write mark of products and categories: every catalog write records it (read-your-writes for the caches). */
export const CATALOG_WRITES = '*catalog';
/** The shared write mark of "frequently bought together" and best sellers (the affinity consumer records it). */
export const AFFINITY_WRITES = '*affinity';

/**
 * Runs a catalog read for `reader` where the read router sends it (the primary without a router
 * or a reader), and says whether its rows may fill the shared caches: always from the primary;
 * from the replica only if it had replayed the last write marked `writes` before the read and
 * still has after it. When not, the gateway is told not to store the answer either.
 */
export async function readCatalog<T>(reads: CatalogReads, reader: Reader | undefined, writes: string, tags: CacheTags | null | undefined, fn: (db: CatalogDb) => Promise<T>): Promise<{ rows: T; shareable: boolean }> {
  const { router } = reads;
  if (!router?.enabled || reader === undefined) return { rows: await fn(reads), shareable: true };
  const whole = async () => (await router.route(writes)) === 'replica';
  let on: ReadTarget = 'primary';
  let before = false;
  const rows = await router.read(reader.userId, async (db, target) => {
    on = target;
    if (target === 'replica') before = await whole();
    return fn(db);
  });
  const shareable = on === 'primary' || (before && (await whole()));
  if (!shareable) tags?.noStore();
  return { rows, shareable };
}

/** Products by id, cache first; what the cache lacks is read in one statement (on the replica for a `reader`) and cached. */
export async function loadProducts(reads: CatalogReads, ids: readonly string[], tags?: CacheTags | null, reader?: Reader): Promise<(Product | null)[]> {
  const { cache } = reads;
  const [, cached] = await Promise.all([tags?.guard(ids.map(productTag)), cache.products.get(ids)]);
  const missing = ids.filter((_, i) => cached[i] === undefined);
  const { rows, shareable } = missing.length ? await readCatalog(reads, reader, CATALOG_WRITES, tags, (db) => findProductsByIds(db.prisma, missing)) : { rows: [], shareable: true };
  if (shareable) await cache.products.set(rows);
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

/** The whole category tree (small, rarely changed), cache first (then the replica for a `reader`). */
export async function loadCategories(reads: CatalogReads, tags?: CacheTags | null, reader?: Reader): Promise<Category[]> {
  const { cache } = reads;
  const [, cached] = await Promise.all([tags?.guard([CATEGORIES_TAG]), cache.categories.get()]);
  if (cached) return cached;
  const { rows, shareable } = await readCatalog(reads, reader, CATALOG_WRITES, tags, (db) => findCategories(db.prisma));
  if (shareable) await cache.categories.set(rows);
  return rows;
}
