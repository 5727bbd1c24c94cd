/**
 * Current prices in Redis: `pricing:price:v1:<productId>` (under the deployment's key prefix),
 * JSON `PriceEntry`, TTL `PRICE_CACHE_TTL_SECONDS`.
 *
 * Readers fill a missing key only if it is still missing (SET NX), and `setPrice` writes the new
 * price through only if it is newer than the cached one (by version). So a reader that loaded
 * the old price just before an update can never put it back over the new one, and two
 * concurrent updates leave the later one cached. When Redis fails during an update, the key is
 * dropped as soon as Redis is back (see invalidation.ts).
 */
import { createJsonCache, setEach, tryRedis, type Redis } from '@platform/redis';
import type { Logger } from '@platform/logger';
import type { PriceEntry } from '../data/prices.ts';
import { createInvalidator } from './invalidation.ts';

export const priceKey = (productId: string): string => `pricing:price:v1:${productId}`;

// KEYS[1] price key; ARGV[1] entry JSON, ARGV[2] its version, ARGV[3] TTL seconds.
const WRITE_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, cached = pcall(cjson.decode, current)
  if ok and type(cached) == 'table' and tonumber(cached.version) and tonumber(cached.version) > tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1`;

export interface PriceCache {
  /** Cached entries, aligned with `productIds` (`undefined` on a miss or when Redis is down). */
  getMany(productIds: readonly string[]): Promise<(PriceEntry | undefined)[]>;
  /** Caches prices read from Postgres, where no entry exists yet. */
  fill(entries: readonly PriceEntry[]): Promise<void>;
  /** Writes an updated price through, unless a newer one is cached already. */
  put(entry: PriceEntry): Promise<void>;
}

export function createPriceCache(redis: Redis, logger: Logger, ttlSeconds: number): PriceCache {
  const json = createJsonCache(redis, logger);
  const invalidator = createInvalidator(redis, logger, priceKey('*'));
  return {
    getMany: (productIds) => json.getMany<PriceEntry>(productIds.map(priceKey)),
    async fill(entries) {
      if (entries.length === 0) return;
      await tryRedis(
        redis,
        logger,
        'price fill',
        (r) => setEach(r, entries, (c, entry) => c.set(priceKey(entry.productId), JSON.stringify(entry), 'EX', ttlSeconds, 'NX')),
        undefined,
      );
    },
    async put(entry) {
      const written = await tryRedis(redis, logger, 'price write-through', (r) => r.eval(WRITE_IF_NEWER, 1, priceKey(entry.productId), JSON.stringify(entry), String(entry.version), String(ttlSeconds)).then(() => true), false);
      // Not written (Redis down or failing): the old entry must go, now or once Redis is back.
      if (!written) await invalidator.drop([priceKey(entry.productId)]);
    },
  };
}
