/**
 * Token buckets in Redis for hot paths that must shed load rather than queue it (flash-sale
 * joins and purchases). rate-limiter-flexible's `BurstyRateLimiter` is its token-bucket shape: a
 * steady limiter of `ratePerSecond` per second refills continuously, and a burst limiter of
 * `burst` extra tokens refills over the time the steady rate needs to earn them back. We use it
 * rather than `RateLimiterQueue`, which makes callers wait in an in-process FIFO: a shopper over
 * the limit should hear "retry in n s" at once, not hold a connection.
 *
 * Counters live in Redis so every replica shares one bucket; while Redis is away an in-memory
 * bucket per replica takes over (limits then hold per replica), so the limiter never fails a
 * request because Redis is missing.
 */
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from './index.ts';

export interface TokenBucketSettings {
  /** Names the bucket's keys (under the connection's key prefix), e.g. `flash:join:user`. */
  name: string;
  /** Tokens added per second; below 1 means one token every 1/rate seconds. */
  ratePerSecond: number;
  /** Extra tokens a caller may spend at once beyond the steady rate. */
  burst: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface TokenBucket {
  /** Takes one token for `key`; when none is left, how long until one is. */
  take(key: string): Promise<TakeResult>;
}

/** A token bucket per key on `redis`, with an in-memory stand-in while Redis is unavailable. */
export function createTokenBucket(redis: Redis, settings: TokenBucketSettings): TokenBucket {
  const rate = settings.ratePerSecond;
  const steady = rate >= 1 ? { points: Math.floor(rate), duration: 1 } : { points: 1, duration: Math.ceil(1 / rate) };
  const refillSeconds = Math.max(1, Math.ceil(settings.burst / rate));
  const limiter = (keyPrefix: string, points: number, duration: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points,
      duration,
      // Straight to the in-memory bucket while disconnected, instead of a timed-out command.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
  const bucket = new BurstyRateLimiter(limiter(`tb:${settings.name}`, steady.points, steady.duration), limiter(`tb:${settings.name}:burst`, Math.max(1, settings.burst), refillSeconds));
  return {
    async take(key) {
      try {
        await bucket.consume(key);
        return { ok: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        // A limiter that cannot decide must not fail the request.
        return { ok: true };
      }
    },
  };
}
