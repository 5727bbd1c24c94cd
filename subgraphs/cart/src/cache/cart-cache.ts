/**
 * The cart cache: one Redis hash per owner (`cart:{ownerType}:{ownerId}`, TTL 1 h) holding the
 * cart view and its version, cache-aside. An owner without a cart is cached too (field `none`),
 * so the hot read path runs no SQL either way. A writer stores the cart it committed after
 * commit and before it answers (write-through), so a client always reads its own writes and the
 * first view after a change, its live-sync delivery included, runs no SQL either. Redis trouble
 * degrades to Postgres.
 *
 * A reader that missed, read Postgres, and fills the cache after a writer stored a newer cart
 * would put an old cart back for an hour, and so would a slower writer of an older version. So
 * every entry carries a `floor` (the version it holds, or the committed version an invalidation
 * left) and a fill only lands when its version is at least the floor (a small Lua script, atomic
 * in Redis).
 *
 * An invalidation that fails (Redis down) is remembered and retried when the connection is back,
 * so a view cached before an outage cannot outlive the writes made during it.
 */
import type { Logger } from '@platform/logger';
import { delMany, scanKeys, tryRedis, type Redis } from '@platform/redis';
import { reviveCartView, type CartView, type Owner } from '../data/carts.ts';

export const CART_CACHE_TTL_SECONDS = 3600;
const keyOf = (owner: Owner) => `cart:v1:${owner.ownerType}:${owner.ownerId}`;

/** KEYS[1] cart hash; ARGV: version read, ttl, field, value. Returns 1 when stored. */
const FILL_SCRIPT = `
local floor = redis.call('HGET', KEYS[1], 'floor')
if floor and tonumber(floor) > tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4], 'floor', ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1`;

export type CacheLookup = { hit: true; cart: CartView | null } | { hit: false };

export interface CartCache {
  get(owner: Owner): Promise<CacheLookup>;
  /** Fills the cache with what a reader found in Postgres, unless a newer write invalidated it. */
  set(owner: Owner, cart: CartView | null): Promise<void>;
  /** Drops the cached cart after a commit of `version`; older fills are refused from then on. */
  invalidate(owner: Owner, version?: number): Promise<void>;
  /**
   * Stores the cart a writer just committed (unless a newer one is there already); when Redis
   * cannot take it, the entry is invalidated as soon as it can, exactly like `invalidate`.
   */
  refresh(owner: Owner, cart: CartView): Promise<void>;
  stats: { hits: number; misses: number };
}

/** Beyond this many owners awaiting invalidation, every cart entry is dropped on reconnect instead. */
const MAX_PENDING = 50_000;

export function createCartCache(redis: Redis, logger: Logger, ttlSeconds = CART_CACHE_TTL_SECONDS, onLookup?: (hit: boolean) => void): CartCache {
  const stats = { hits: 0, misses: 0 };
  const pending = new Map<string, number | undefined>();
  let overflowed = false;
  const FAILED = -1;

  const drop = async (key: string, version: number | undefined): Promise<number> =>
    tryRedis(
      redis,
      logger,
      'cart-cache.invalidate',
      async (r) => {
        if (version === undefined) await r.del(key);
        else await r.multi().del(key).hset(key, 'floor', String(version)).expire(key, ttlSeconds).exec();
        return 1;
      },
      FAILED,
    );

  redis.on('ready', () => {
    void (async () => {
      if (overflowed) {
        overflowed = false;
        pending.clear();
        // Every master of a cluster is scanned; each key is deleted on its own slot.
        for await (const keys of scanKeys(redis, 'cart:v1:*')) await delMany(redis, keys);
        return;
      }
      for (const [key, version] of [...pending]) if ((await drop(key, version)) !== FAILED) pending.delete(key);
    })().catch((error: unknown) => logger.warn({ err: error }, 'could not replay cart cache invalidations'));
  });

  /** An invalidation Redis could not take, replayed when it is back. */
  const remember = (key: string, version: number | undefined) => {
    if (pending.size >= MAX_PENDING) overflowed = true;
    else pending.set(key, version);
  };

  /** Runs the fill script: 1 stored, 0 refused (a newer version is there), FAILED when Redis did not answer. */
  const fill = (owner: Owner, cart: CartView | null, operation: string): Promise<number> =>
    tryRedis(
      redis,
      logger,
      operation,
      (r) => r.eval(FILL_SCRIPT, 1, keyOf(owner), String(cart?.version ?? 0), String(ttlSeconds), cart ? 'view' : 'none', cart ? JSON.stringify(cart) : '1') as Promise<number>,
      FAILED,
    );

  const record = (hit: boolean) => {
    if (hit) stats.hits += 1;
    else stats.misses += 1;
    onLookup?.(hit);
  };
  return {
    stats,
    async get(owner) {
      const fields = await tryRedis(redis, logger, 'cart-cache.get', (r) => r.hgetall(keyOf(owner)), {} as Record<string, string>);
      if (fields.view) {
        record(true);
        return { hit: true, cart: reviveCartView(JSON.parse(fields.view) as CartView) };
      }
      if (fields.none) {
        record(true);
        return { hit: true, cart: null };
      }
      record(false);
      return { hit: false };
    },
    async set(owner, cart) {
      await fill(owner, cart, 'cart-cache.set');
    },
    async invalidate(owner, version) {
      const key = keyOf(owner);
      if ((await drop(key, version)) !== FAILED) return;
      remember(key, version);
    },
    async refresh(owner, cart) {
      if ((await fill(owner, cart, 'cart-cache.refresh')) !== FAILED) return;
      remember(keyOf(owner), cart.version);
    },
  };
}
