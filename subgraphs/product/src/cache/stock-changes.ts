/**
 * What every committed change of sellable stock is followed by, whoever made it (reservations,
 * stock takes, flash-sale allocations and returns): the products' cached availability dropped and
 * their cache tags bumped, so no cached answer (subgraph or gateway) shows the old level. Runs
 * before the change is answered; never throws (both degrade when Redis is down).
 */
import type { TagStore } from '@platform/redis';
import type { CatalogCache } from './catalog-cache.ts';
import { ANY_STOCK_TAG, stockTag } from './tags.ts';

export async function stockChanged(deps: { cache: CatalogCache; tags: TagStore }, productIds: readonly string[]): Promise<void> {
  if (productIds.length === 0) return;
  await Promise.all([deps.cache.availability.invalidate(productIds), deps.tags.bump([...productIds.map(stockTag), ANY_STOCK_TAG])]);
}
