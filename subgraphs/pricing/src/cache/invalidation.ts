/**
 * Cache invalidations that survive a Redis outage. A key that could not be dropped (Redis down)
 * is remembered and dropped as soon as the connection is back, so an entry cached before the
 * outage cannot outlive a change made during it (by more than the reconnect). Past `maxPending`
 * remembered keys, every key matching `pattern` is dropped on reconnect instead.
 */
import { delMany, scanKeys, tryRedis, type Redis } from '@platform/redis';
import type { Logger } from '@platform/logger';

export interface Invalidator {
  /** Drops `keys` now, or as soon as Redis is back. */
  drop(keys: readonly string[]): Promise<void>;
}

export function createInvalidator(redis: Redis, logger: Logger, pattern: string, maxPending = 10_000): Invalidator {
  const pending = new Set<string>();
  let overflowed = false;

  const del = (keys: readonly string[]) => tryRedis(redis, logger, 'cache invalidate', async (r) => (await delMany(r, keys), true), false);

  async function replay(): Promise<void> {
    if (overflowed) {
      overflowed = false;
      pending.clear();
      // Every master of a cluster is scanned; each key is deleted on its own slot.
      for await (const keys of scanKeys(redis, pattern)) await delMany(redis, keys);
      return;
    }
    const keys = [...pending];
    if (keys.length && (await del(keys))) for (const key of keys) pending.delete(key);
  }

  redis.on('ready', () => {
    replay().catch((error: unknown) => logger.warn({ err: { message: (error as Error).message } }, 'could not replay cache invalidations'));
  });

  return {
    async drop(keys) {
      if (keys.length === 0 || (await del(keys))) return;
      if (pending.size + keys.length > maxPending) overflowed = true;
      else for (const key of keys) pending.add(key);
    },
  };
}
