/**
 * Recommendation reads through the Redis cache: a product's strongest partners and a category's
 * best sellers, one cache round trip for all asked and one SQL statement for what it lacks.
 * Given a tag collector, each read notes `affinity:<id>` (or `bestsellers`) first, so a gateway
 * entry showing them is dropped when the affinity consumer changes them.
 *
 * With a read replica, what the cache lacks is read from it only when it has replayed the
 * consumer's last change (the shared `AFFINITY_WRITES` mark, as if it were the reader), else from
 * the primary: these lists are always cached, so they are never read older than the primary's.
 * Only stale-tolerant callers (`replica`: a request's loaders) use the replica at all.
 */
import type { CacheTags } from '@platform/server';
import { findBestSellers, findPartners, type AffinityCandidate } from '../data/affinity.ts';
import { AFFINITY_WRITES, readCatalog, type CatalogReads } from './catalog-reads.ts';
import { affinityTag, BESTSELLERS_TAG } from './tags.ts';

const reader = (replica: boolean) => (replica ? { userId: AFFINITY_WRITES } : undefined);

/** Each product's partners, strongest first, aligned to `ids`. */
export async function loadPartners(reads: CatalogReads, ids: readonly string[], tags?: CacheTags | null, replica = false): Promise<AffinityCandidate[][]> {
  const { cache } = reads;
  const [, cached] = await Promise.all([tags?.guard(ids.map(affinityTag)), cache.affinity.get(ids)]);
  const missing = ids.filter((_, i) => cached[i] === undefined);
  const { rows, shareable } = missing.length ? await readCatalog(reads, reader(replica), AFFINITY_WRITES, tags, (db) => findPartners(db.sql, missing)) : { rows: [], shareable: true };
  if (shareable) await cache.affinity.set(missing.map((productId, i) => ({ productId, candidates: rows[i]! })));
  const fromDb = new Map(missing.map((id, i) => [id, rows[i]!]));
  return ids.map((id, i) => cached[i] ?? fromDb.get(id) ?? []);
}

/** Each category's best sellers (`null`: the whole catalog's), best first, aligned to `categoryIds`. */
export async function loadBestSellers(reads: CatalogReads, categoryIds: readonly (string | null)[], tags?: CacheTags | null, replica = false): Promise<string[][]> {
  const { cache } = reads;
  const [, cached] = await Promise.all([tags?.guard([BESTSELLERS_TAG]), cache.bestSellers.get(categoryIds)]);
  const missing = categoryIds.filter((_, i) => cached[i] === undefined);
  const { rows, shareable } = missing.length ? await readCatalog(reads, reader(replica), AFFINITY_WRITES, tags, (db) => findBestSellers(db.sql, missing)) : { rows: [], shareable: true };
  if (shareable) await cache.bestSellers.set(missing.map((categoryId, i) => ({ categoryId, productIds: rows[i]! })));
  const fromDb = new Map(missing.map((id, i) => [id ?? '', rows[i]!]));
  return categoryIds.map((id, i) => cached[i] ?? fromDb.get(id ?? '') ?? []);
}
