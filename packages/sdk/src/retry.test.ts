import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, parseRetryAfter, retryDelay } from './retry.ts';

describe('retry timing', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:00:07 GMT', now)).toBe(7_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('waits what Retry-After asks, capped at maxDelayMs', () => {
    expect(retryDelay(1, DEFAULT_RETRY, 2_000)).toBe(2_000);
    expect(retryDelay(1, { ...DEFAULT_RETRY, maxDelayMs: 1_500 }, 60_000)).toBe(1_500);
  });

  it('backs off exponentially with full jitter, capped', () => {
    const options = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, options, undefined, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
    expect(retryDelay(3, options, undefined, () => 0)).toBe(0);
    expect(retryDelay(3, options, undefined, () => 0.5)).toBe(200);
  });
});
