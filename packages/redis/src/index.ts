/**
 * Redis for caches, idempotency hints, rate limits and pub/sub. Redis is an accelerator, never
 * a dependency: commands time out quickly, nothing queues while disconnected, every failure is
 * logged and turned into a miss, and the client reconnects by itself when Redis returns.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '@platform/logger';

export { Redis };

export interface RedisSettings {
  url: string;
  /** Namespaces every key (and, through `channel`, every pub/sub channel) of this deployment. */
  keyPrefix: string;
  commandTimeoutMs: number;
  logger: Logger;
  /** Name shown in logs, e.g. "cache" or "subscriber". */
  role?: string;
}

/**
 * Creates a connection with the options that keep Redis from ever failing or stalling a request:
 * a command timeout, no offline queue, one attempt per command, and endless background reconnects.
 */
export function createRedis(settings: RedisSettings, overrides: Partial<RedisOptions> = {}): Redis {
  const role = settings.role ?? 'client';
  const redis = new Redis(settings.url, {
    keyPrefix: settings.keyPrefix,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: 2_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true,
    retryStrategy: (attempt) => Math.min(250 * attempt, 5_000),
    ...overrides,
  });
  let warned = false;
  redis.on('error', (error: Error) => {
    // Logged once per outage; ioredis keeps reconnecting on its own.
    if (!warned) settings.logger.warn({ err: { message: error.message }, role }, 'redis unavailable; serving without it');
    warned = true;
  });
  redis.on('ready', () => {
    if (warned) settings.logger.info({ role }, 'redis connection restored');
    warned = false;
  });
  return redis;
}

/** True when the connection can take commands right now. */
export const isRedisReady = (redis: Redis): boolean => redis.status === 'ready';

/** Pings Redis within its command timeout; false instead of throwing. */
export async function pingRedis(redis: Redis): Promise<boolean> {
  if (!isRedisReady(redis)) return false;
  try {
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  }
}

/** Closes a connection without waiting for a Redis that is gone. */
export async function closeRedis(redis: Redis): Promise<void> {
  try {
    if (isRedisReady(redis)) await redis.quit();
    else redis.disconnect();
  } catch {
    redis.disconnect();
  }
}

/** The channel name for pub/sub under the deployment's prefix (ioredis does not prefix channels). */
export const channel = (keyPrefix: string, name: string): string => `${keyPrefix}${name}`;

/**
 * Runs a Redis command as a best-effort accelerator: while Redis is not ready it returns
 * `fallback` at once; an error or timeout is logged and also yields `fallback`.
 */
export async function tryRedis<T>(redis: Redis, logger: Logger, operation: string, fn: (redis: Redis) => Promise<T>, fallback: T): Promise<T> {
  if (!isRedisReady(redis)) return fallback;
  try {
    return await fn(redis);
  } catch (error) {
    logger.warn({ err: { message: (error as Error).message }, operation }, 'redis command failed; continuing without cache');
    return fallback;
  }
}

/** JSON cache helpers on top of `tryRedis`; every key has a TTL. */
export function createJsonCache(redis: Redis, logger: Logger) {
  return {
    async getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
      if (keys.length === 0) return [];
      const values = await tryRedis(redis, logger, 'mget', (r) => r.mget(...keys), keys.map(() => null));
      return values.map((v) => (v == null ? undefined : (JSON.parse(v) as T)));
    },
    async setMany(entries: readonly { key: string; value: unknown }[], ttlSeconds: number): Promise<void> {
      if (entries.length === 0) return;
      await tryRedis(
        redis,
        logger,
        'set',
        async (r) => {
          const pipeline = r.pipeline();
          for (const { key, value } of entries) pipeline.set(key, JSON.stringify(value), 'EX', ttlSeconds);
          await pipeline.exec();
        },
        undefined,
      );
    },
    async del(...keys: string[]): Promise<boolean> {
      if (keys.length === 0) return true;
      return tryRedis(redis, logger, 'del', async (r) => (await r.del(...keys), true), false);
    },
  };
}
export type JsonCache = ReturnType<typeof createJsonCache>;
export * from './tags.ts';

export { createTokenBucket, type TakeResult, type TokenBucket, type TokenBucketSettings } from './token-bucket.ts';
