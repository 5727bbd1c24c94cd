/**
 * Per-caller rate limiting at the gateway (rate-limiter-flexible): a window of points per user,
 * guest or, for anonymous callers, client address. Counters live in Redis so every gateway
 * instance shares them; while Redis is down an in-memory limiter per instance takes over, so
 * limits still hold (per instance) and no request fails because Redis is missing.
 *
 * A cached response needs one Redis read of its tags before it may be served, and the request
 * must be counted too. On a single Redis server both happen in one script (`consumeAndRead`):
 * the library's own window step on the same key, then a read of the keys. Measured on a
 * repeated cart view, the library's separate command was 18 % of the gateway's CPU per view.
 * The window step is one Lua text (ours, handed to the library as its `customIncrTtlLuaScript`),
 * so the two paths can never count differently.
 */
import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Identity } from '@platform/auth';
import type { Logger } from '@platform/logger';
import { getMany, isCluster, isRedisReady, type Redis } from '@platform/redis';
import { HttpError } from '@platform/server';

export interface RateLimitSettings {
  points: number;
  windowSeconds: number;
}

export interface RateLimiter {
  /** Counts one request; throws a 429 `RATE_LIMITED` HttpError when the caller is over the limit. */
  consume(identity: Identity, req: IncomingMessage): Promise<void>;
  /**
   * Counts one request like `consume` and reads `keys` (GET each) in the same Redis round trip.
   * Resolves the values (null for a missing key), or undefined when Redis could not answer, in
   * which case the request was counted by the in-memory limiter instead.
   */
  consumeAndRead(identity: Identity, req: IncomingMessage, keys: readonly string[]): Promise<(string | null)[] | undefined>;
}

const keyOf = (identity: Identity, req: IncomingMessage): string => {
  if (identity.kind === 'user') return `u:${identity.userId}`;
  if (identity.kind === 'guest') return `g:${identity.guestId}`;
  return `ip:${req.socket.remoteAddress ?? 'unknown'}`;
};

export class RateLimitedError extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'Too many requests; slow down.', 'RATE_LIMITED', { headers: { 'retry-after': String(retryAfterSeconds) }, extensions: { retryAfterSeconds } });
  }
}

/** The 429 for a caller whose window reopens in `msBeforeNext`. */
const limited = (msBeforeNext: number) => new RateLimitedError(Math.max(1, Math.ceil(msBeforeNext / 1000)));

const KEY_PREFIX = 'ratelimit';

/**
 * One step of the window on KEYS[1] (ARGV[1] points, ARGV[2] window seconds), leaving `consumed`
 * and `ttl` (ms) set: rate-limiter-flexible's own script for ioredis, kept here as the one copy.
 */
const WINDOW_STEP = `redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('expire', KEYS[1], ARGV[2])
  ttl = 1000 * ARGV[2]
end`;
const WINDOW_SCRIPT = `${WINDOW_STEP}\nreturn {consumed, ttl}`;
/** The window step, then the values of KEYS[2..] (false for a missing key, nil to the client). */
const WINDOW_AND_READ_SCRIPT = `${WINDOW_STEP}\nlocal values = {}\nif #KEYS > 1 then values = redis.call('mget', unpack(KEYS, 2, #KEYS)) end\nreturn {consumed, ttl, values}`;

/** More keys than this go through two commands (Lua's unpack has a stack limit). */
const MAX_SCRIPT_KEYS = 1_000;

type WindowAndRead = (numKeys: number, ...keysAndArgs: string[]) => Promise<[number, number, (string | null)[]]>;

export function createRateLimiter(redis: Redis, settings: RateLimitSettings, logger?: Logger): RateLimiter {
  const insurance = new RateLimiterMemory({ points: settings.points, duration: settings.windowSeconds });
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: KEY_PREFIX,
    points: settings.points,
    duration: settings.windowSeconds,
    insuranceLimiter: insurance,
    customIncrTtlLuaScript: WINDOW_SCRIPT,
  });
  // A cluster keeps the rate-limit key and the read keys on different slots: no single script there.
  const oneScript = !isCluster(redis);
  if (oneScript) redis.defineCommand('gatewayWindowAndRead', { lua: WINDOW_AND_READ_SCRIPT });
  const windowAndRead = (redis as unknown as { gatewayWindowAndRead: WindowAndRead }).gatewayWindowAndRead?.bind(redis);
  const points = String(1);
  const seconds = String(settings.windowSeconds);

  const consume: RateLimiter['consume'] = async (identity, req) => {
    try {
      await limiter.consume(keyOf(identity, req));
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw limited(rejection.msBeforeNext);
      // Any other failure of the limiter must not fail the request.
    }
  };

  /** A read that failed while Redis was up is worth a warning (one that was down is logged by the client). */
  const readFailed = (error: unknown) => logger?.warn({ err: { message: (error as Error).message } }, 'could not read cache tags; serving without the response cache');

  return {
    consume,
    async consumeAndRead(identity, req, keys) {
      if (!oneScript || !windowAndRead || keys.length >= MAX_SCRIPT_KEYS) {
        const read = isRedisReady(redis) ? getMany(redis, keys).catch((error: unknown) => void readFailed(error)) : undefined;
        const [, values] = await Promise.all([consume(identity, req), read]);
        return values;
      }
      const key = keyOf(identity, req);
      let reply: [number, number, (string | null)[]];
      try {
        if (!isRedisReady(redis)) throw new Error('Redis is not ready');
        reply = await windowAndRead(keys.length + 1, `${KEY_PREFIX}:${key}`, ...keys, points, seconds);
      } catch (error) {
        if (isRedisReady(redis)) readFailed(error);
        // Counted where the library would have counted it with Redis away: the in-memory limiter.
        await insurance.consume(key).catch((rejection: unknown) => {
          if (rejection instanceof RateLimiterRes) throw limited(rejection.msBeforeNext);
        });
        return undefined;
      }
      const [consumed, ttl, values] = reply;
      if (consumed > settings.points) throw limited(ttl);
      return values;
    },
  };
}
