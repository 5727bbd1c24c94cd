/**
 * Where every read of current prices goes: Redis first, then Postgres for the misses (one
 * statement), with concurrent loads of the same product shared within this process.
 *
 * Sharing matters because the gateway asks pricing for `Product.price` and for
 * `CartLine.currentUnitPrice` of the same cart in separate, parallel requests: the second
 * request joins the first one's load instead of running its own query, so a cart view costs one
 * SQL statement in pricing however it is split, and a burst of views of a popular product
 * costs one statement rather than one each (no thundering herd on a cold key).
 */
import type { CacheTags } from '@platform/server';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { findPrices, type PriceEntry } from '../data/prices.ts';
import type { PriceCache } from './prices.ts';
import { priceTag } from './tags.ts';

export interface PriceReads {
  /**
   * Current prices aligned with `productIds`; `null` for a product without a price. With `tags`,
   * notes each price's cache tag first and reads on its own (a load already in flight may have
   * read before those tokens, so it is not shared).
   */
  load(productIds: readonly string[], tags?: CacheTags | null): Promise<(PriceEntry | null)[]>;
  /** Stops sharing a load in flight for `productId`, so reads after an update see it. */
  forget(productId: string): void;
}

export function createPriceReads(prisma: PrismaClient, cache: PriceCache): PriceReads {
  const inFlight = new Map<string, Promise<PriceEntry | null>>();

  async function loadBatch(productIds: string[], tags?: CacheTags | null): Promise<Map<string, PriceEntry>> {
    const found = new Map<string, PriceEntry>();
    // The tags are read before the prices (same tick, same pipeline): a token is never newer than its price.
    const [, cached] = await Promise.all([tags?.guard(productIds.map(priceTag)), cache.getMany(productIds)]);
    const misses: string[] = [];
    productIds.forEach((id, i) => {
      const entry = cached[i];
      if (entry) found.set(id, entry);
      else misses.push(id);
    });
    if (misses.length) {
      const rows = await findPrices(prisma, misses);
      for (const row of rows) found.set(row.productId, row);
      // Cached before anyone is answered: a request that arrives once this load has settled
      // finds the prices in Redis.
      await cache.fill(rows);
    }
    return found;
  }

  return {
    async load(productIds, tags) {
      const unique = [...new Set(productIds)];
      if (tags) {
        const found = await loadBatch(unique, tags);
        return productIds.map((id) => found.get(id) ?? null);
      }
      const missing = unique.filter((id) => !inFlight.has(id));
      if (missing.length) {
        const batch = loadBatch(missing);
        for (const id of missing) {
          const one = batch.then((found) => found.get(id) ?? null);
          inFlight.set(id, one);
          const settle = () => inFlight.get(id) === one && inFlight.delete(id);
          one.then(settle, settle);
        }
      }
      // Taken synchronously, while every id is known to be in flight.
      const pending = unique.map((id) => inFlight.get(id)!);
      const loaded = await Promise.all(pending);
      const byId = new Map(unique.map((id, i) => [id, loaded[i] ?? null]));
      return productIds.map((id) => byId.get(id) ?? null);
    },
    forget(productId) {
      inFlight.delete(productId);
    },
  };
}
