/**
 * Per-caller rate limiting at the gateway (rate-limiter-flexible): a window of points per user,
 * guest or, for anonymous callers, client address. Counters live in Redis so every gateway
 * instance shares them; while Redis is down an in-memory limiter per instance takes over, so
 * limits still hold (per instance) and no request fails because Redis is missing.
 */
import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Identity } from '@platform/auth';
import type { Redis } from '@platform/redis';
import { HttpError } from '@platform/server';

export interface RateLimitSettings {
  points: number;
  windowSeconds: number;
}

export interface RateLimiter {
  /** Counts one request; throws a 429 `RATE_LIMITED` HttpError when the caller is over the limit. */
  consume(identity: Identity, req: IncomingMessage): Promise<void>;
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

export function createRateLimiter(redis: Redis, settings: RateLimitSettings): RateLimiter {
  const insurance = new RateLimiterMemory({ points: settings.points, duration: settings.windowSeconds });
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'ratelimit',
    points: settings.points,
    duration: settings.windowSeconds,
    insuranceLimiter: insurance,
  });
  return {
    async consume(identity, req) {
      try {
        await limiter.consume(keyOf(identity, req));
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
        // Any other failure of the limiter must not fail the request.
      }
    },
  };
}
