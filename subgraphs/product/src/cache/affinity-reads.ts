/**
 * Recommendation reads through the Redis cache: a product's strongest partners and a category's
 * best sellers, one cache round trip for all asked and one SQL statement for what it lacks.
 * Given a tag collector, each read notes `affinity:<id>` (or `bestsellers`) first, so a gateway
 * entry showing them is dropped when the affinity consumer changes them.
 */
import type { CacheTags } from '@platform/server';
import { findBestSellers, findPartners, type AffinityCandidate } from '../data/affinity.ts';
import type { CatalogReads } from './catalog-reads.ts';
import { affinityTag, BESTSELLERS_TAG } from './tags.ts';

/** Each product's partners, strongest first, aligned to `ids`. */
export async function loadPartners({ sql, cache }: CatalogReads, ids: readonly string[], tags?: CacheTags | null): Promise<AffinityCandidate[][]> {
  const [, cached] = await Promise.all([tags?.guard(ids.map(affinityTag)), cache.affinity.get(ids)]);
  const missing = ids.filter((_, i) => cached[i] === undefined);
  const rows = missing.length ? await findPartners(sql, missing) : [];
  await cache.affinity.set(missing.map((productId, i) => ({ productId, candidates: rows[i]! })));
  const fromDb = new Map(missing.map((id, i) => [id, rows[i]!]));
  return ids.map((id, i) => cached[i] ?? fromDb.get(id) ?? []);
}

/** Each category's best sellers (`null`: the whole catalog's), best first, aligned to `categoryIds`. */
export async function loadBestSellers({ sql, cache }: CatalogReads, categoryIds: readonly (string | null)[], tags?: CacheTags | null): Promise<string[][]> {
  const [, cached] = await Promise.all([tags?.guard([BESTSELLERS_TAG]), cache.bestSellers.get(categoryIds)]);
  const missing = categoryIds.filter((_, i) => cached[i] === undefined);
  const rows = missing.length ? await findBestSellers(sql, missing) : [];
  await cache.bestSellers.set(missing.map((categoryId, i) => ({ categoryId, productIds: rows[i]! })));
  const fromDb = new Map(missing.map((id, i) => [id ?? '', rows[i]!]));
  return categoryIds.map((id, i) => cached[i] ?? fromDb.get(id ?? '') ?? []);
}
