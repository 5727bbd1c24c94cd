/**
 * Redis for caches, idempotency hints, rate limits and pub/sub. Redis is an accelerator, never
 * a dependency: commands time out quickly, nothing queues while disconnected, every failure is
 * logged and turned into a miss, and the client reconnects by itself when Redis returns.
 *
 * One server (`REDIS_URL`) or a Redis Cluster (`REDIS_CLUSTER_NODES`, through ioredis `Cluster`).
 * In a cluster, a command or Lua script touches keys of one slot only: multi-key work goes
 * through `getMany` / `setEach` / `delMany` / `scanKeys` below (one command per key, which
 * auto-pipelining sends as one batch per node), and keys a script or transaction uses together
 * share a hash tag (`flash:v1:{<sale>}:*`).
 */
import { Cluster, Redis as RedisServer, type ClusterNode, type RedisOptions } from 'ioredis';
import type { Logger } from '@platform/logger';

/** A connection to one Redis server or to a Redis Cluster. */
export type Redis = RedisServer | Cluster;
/** The single-server client class (`new Redis(url)` in tests and probes). */
export const Redis = RedisServer;
export { Cluster };

export interface RedisSettings {
  url: string;
  /** Namespaces every key (and, through `channel`, every pub/sub channel) of this deployment. */
  keyPrefix: string;
  commandTimeoutMs: number;
  logger: Logger;
  /** Name shown in logs, e.g. "cache" or "subscriber". */
  role?: string;
  /** `host:port,host:port,...` of Redis Cluster nodes (any few; the rest are discovered): a `Cluster` client instead of `url`. */
  clusterNodes?: string | undefined;
}

/** Parses `REDIS_CLUSTER_NODES` (`host:port,...`). */
export function parseClusterNodes(list: string): ClusterNode[] {
  return list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
    .map((n) => {
      const at = n.lastIndexOf(':');
      return { host: n.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(n.slice(at + 1)) };
    });
}

export const isCluster = (redis: Redis): redis is Cluster => redis instanceof Cluster;

/** The per-node options of a cluster: the connection settings, without what the cluster itself owns. */
function nodeOptions(options: RedisOptions) {
  const { keyPrefix: _prefix, enableAutoPipelining: _auto, retryStrategy: _retry, enableOfflineQueue: _queue, ...rest } = options;
  return rest;
}

/**
 * Creates a connection with the options that keep Redis from ever failing or stalling a request:
 * a command timeout, no offline queue, one attempt per command, and endless background reconnects.
 */
export function createRedis(settings: RedisSettings, overrides: Partial<RedisOptions> = {}): Redis {
  const role = settings.role ?? 'client';
  const options: RedisOptions = {
    keyPrefix: settings.keyPrefix,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: 2_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Off on one server: the hot paths send one command per request (the gateway's cached view
    // sends one script), so auto-pipelining batched nothing and cost a Pipeline per tick (the
    // gateway's CPU per repeated cart view fell 0.070 -> 0.054 ms without it, and nothing got
    // dearer). Many-key reads and writes are one MGET or an explicit pipeline anyway. A Cluster
    // keeps it (below): there a many-key read is one command per key, batched per node.
    enableAutoPipelining: false,
    retryStrategy: (attempt) => Math.min(250 * attempt, 5_000),
    ...overrides,
  };
  const redis: Redis = settings.clusterNodes
    ? new Cluster(parseClusterNodes(settings.clusterNodes), {
        keyPrefix: settings.keyPrefix,
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        // A failover moves slots: follow MOVED/ASK and re-read the slot map, a few times, quickly.
        maxRedirections: 16,
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        retryDelayOnTryAgain: 100,
        slotsRefreshTimeout: 2_000,
        clusterRetryStrategy: (attempt) => Math.min(250 * attempt, 5_000),
        redisOptions: nodeOptions(options),
      })
    : new RedisServer(settings.url, options);
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

/** GET of many keys: one MGET on a server; in a cluster one GET per key (keys of many slots), batched per node. */
export function getMany(redis: Redis, keys: readonly string[]): Promise<(string | null)[]> {
  if (keys.length === 0) return Promise.resolve([]);
  return isCluster(redis) ? Promise.all(keys.map((k) => redis.get(k))) : redis.mget(...keys);
}

/** Runs `write` for every entry as its own command (each on its key's slot), together; true when all succeeded. */
export async function setEach<E>(redis: Redis, entries: readonly E[], write: (r: Redis, entry: E) => Promise<unknown>): Promise<boolean> {
  if (!isCluster(redis)) {
    const pipeline = redis.pipeline();
    for (const entry of entries) void write(pipeline as unknown as Redis, entry);
    const results = await pipeline.exec();
    return (results ?? []).every(([error]) => !error);
  }
  const results = await Promise.allSettled(entries.map((entry) => write(redis, entry)));
  return results.every((r) => r.status === 'fulfilled');
}

/** DEL of many keys: one command on a server; one per key in a cluster. */
export async function delMany(redis: Redis, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  if (isCluster(redis)) await Promise.all(keys.map((k) => redis.del(k)));
  else await redis.del(...keys);
}

/** Every key matching `pattern` (after the key prefix), without the prefix, in batches; every master of a cluster is scanned. */
export async function* scanKeys(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  // ioredis does not prefix SCAN patterns: match with the prefix, hand keys back without it.
  const prefix = (isCluster(redis) ? redis.options.keyPrefix : redis.options.keyPrefix) ?? '';
  const servers = isCluster(redis) ? redis.nodes('master') : [redis];
  for (const server of servers) {
    for await (const keys of server.scanStream({ match: `${prefix}${pattern}`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length) yield keys.map((k) => k.slice(prefix.length));
    }
  }
}

/** JSON cache helpers on top of `tryRedis`; every key has a TTL. */
export function createJsonCache(redis: Redis, logger: Logger) {
  return {
    async getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
      if (keys.length === 0) return [];
      const values = await tryRedis(redis, logger, 'mget', (r) => getMany(r, keys), keys.map(() => null));
      return values.map((v) => (v == null ? undefined : (JSON.parse(v) as T)));
    },
    async setMany(entries: readonly { key: string; value: unknown }[], ttlSeconds: number): Promise<void> {
      if (entries.length === 0) return;
      await tryRedis(
        redis,
        logger,
        'set',
        (r) => setEach(r, entries, (c, { key, value }) => c.set(key, JSON.stringify(value), 'EX', ttlSeconds)),
        undefined,
      );
    },
    async del(...keys: string[]): Promise<boolean> {
      if (keys.length === 0) return true;
      return tryRedis(redis, logger, 'del', async (r) => (await delMany(r, keys), true), false);
    },
  };
}
export type JsonCache = ReturnType<typeof createJsonCache>;
export * from './tags.ts';
export * from './timeouts.ts';

export { createTokenBucket, type TakeResult, type TokenBucket, type TokenBucketSettings } from './token-bucket.ts';
