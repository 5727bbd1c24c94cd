/**
 * Replay protection for internal writes: every signed request carries a random nonce, and a
 * write accepts a nonce once. Nonces are remembered in Redis (shared by every replica) for
 * twice the signature window, after which the signature itself has gone stale; while Redis is
 * away each replica remembers them in memory, so a replay to the same replica is still refused
 * (the writes are idempotent too, so a replay that reaches another replica then repeats a result).
 */
import { LRUCache } from 'lru-cache';
import { MAX_AGE_MS } from '@platform/auth';
import type { Logger } from '@platform/logger';
import { isRedisReady, type Redis } from '@platform/redis';

export interface NonceGuard {
  /** True the first time `nonce` is seen (within the signature window), false for a replay. */
  claim(nonce: string): Promise<boolean>;
}

export function createNonceGuard(redis: Redis, logger: Logger): NonceGuard {
  const ttlMs = 2 * MAX_AGE_MS;
  const local = new LRUCache<string, true>({ max: 200_000, ttl: ttlMs });
  return {
    async claim(nonce) {
      if (local.has(nonce)) return false;
      local.set(nonce, true);
      if (!isRedisReady(redis)) return true;
      try {
        return (await redis.set(`nonce:v1:${nonce}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
      } catch (error) {
        logger.warn({ err: { message: (error as Error).message } }, 'could not record a request nonce in Redis; relying on this replica');
        return true;
      }
    },
  };
}
