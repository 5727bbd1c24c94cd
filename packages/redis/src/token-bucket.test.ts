import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@platform/logger';
import { closeRedis, createRedis } from './index.ts';
import { createTokenBucket } from './token-bucket.ts';

const logger = createLogger('token-bucket-test', { level: 'silent' });
const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const live = createRedis({ url, keyPrefix: `t:tb:${randomBytes(4).toString('hex')}:`, commandTimeoutMs: 1_000, logger });
// Nothing listens on port 1: the bucket must fall back to memory, never fail the caller.
const dead = createRedis({ url: 'redis://127.0.0.1:1/0', keyPrefix: 't:tb:dead:', commandTimeoutMs: 100, logger });
afterAll(async () => {
  await closeRedis(live);
  await closeRedis(dead);
});

async function drain(bucket: ReturnType<typeof createTokenBucket>, key: string, attempts: number) {
  const results = [];
  for (let i = 0; i < attempts; i++) results.push(await bucket.take(key));
  return results;
}

describe('token buckets in Redis', () => {
  it('lets the rate plus the burst through at once, then says how long to wait; keys are separate', async () => {
    if (live.status !== 'ready') await new Promise((resolve) => live.once('ready', resolve));
    const bucket = createTokenBucket(live, { name: 'joins', ratePerSecond: 2, burst: 3 });
    const results = await drain(bucket, 'alice', 7);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, false, false]);
    expect(results.at(-1)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(await bucket.take('bob')).toEqual({ ok: true });
  });

  it('takes a rate below one per second as one token every 1/rate seconds', async () => {
    const bucket = createTokenBucket(live, { name: 'slow', ratePerSecond: 0.1, burst: 1 });
    const results = await drain(bucket, 'dave', 3);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2]).toMatchObject({ ok: false, retryAfterSeconds: 10 });
  });

  it('keeps limiting in memory while Redis is unreachable', async () => {
    const bucket = createTokenBucket(dead, { name: 'joins', ratePerSecond: 1, burst: 1 });
    const results = await drain(bucket, 'carol', 3);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
  });
});
