/**
 * `redis_command_timeouts_total{command}` against a real Redis: behind a TCP proxy that can
 * freeze (bytes held, never answered, like a stalled or SIGSTOPped Redis), a command past the
 * client's command timeout rejects with ioredis' "Command timed out" and is counted once, by
 * its command name; commands sent together and pipelined ones count one each; a command Redis
 * answers with an error is not a timeout.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@platform/logger';
import { closeRedis, createRedis, type Redis } from '@platform/redis';
import { startTcpProxy, type TcpProxy } from '@platform/testing';
import { countRedisErrors, createMetrics, type Metrics } from './metrics.ts';

const target = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0');
let proxy: TcpProxy;
let redis: Redis;
let metrics: Metrics;

/** The `redis_command_timeouts_total` samples, as `{ command: value }`. */
async function timeouts(): Promise<Record<string, number>> {
  const text = await metrics.registry.metrics();
  const samples = [...text.matchAll(/^redis_command_timeouts_total\{command="([^"]+)",service="test"\} (\d+)$/gm)];
  return Object.fromEntries(samples.map((m) => [m[1]!, Number(m[2])]));
}

beforeAll(async () => {
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  metrics = createMetrics('test');
  redis = createRedis({ url: proxy.url('redis', target.pathname), keyPrefix: `t:timeouts:${randomBytes(4).toString('hex')}:`, commandTimeoutMs: 150, logger: createLogger('test', { level: 'silent' }) });
  countRedisErrors(metrics, redis);
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
});
afterAll(async () => {
  proxy?.thaw();
  if (redis) await closeRedis(redis);
  await proxy?.close();
});

describe('redis_command_timeouts_total', () => {
  it('is exported before any timeout, and a command Redis answers (even with an error) is not counted', async () => {
    expect(await metrics.registry.metrics()).toContain('# TYPE redis_command_timeouts_total counter');
    await redis.set('k', 'v', 'EX', 60);
    await expect(redis.hincrby('k', 'f', 1)).rejects.toThrow(/WRONGTYPE/);
    expect(await timeouts()).toEqual({});
  });

  it('counts each command that got no reply within the command timeout, once, by command name', async () => {
    proxy.freeze();
    try {
      await expect(redis.get('k')).rejects.toThrow('Command timed out');
      // Three commands at once, and a two-command pipeline.
      const results = await Promise.allSettled([redis.get('a'), redis.get('b'), redis.mget('a', 'b')]);
      expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'answered'))).toEqual(['Command timed out', 'Command timed out', 'Command timed out']);
      await redis.pipeline().incr('n').expire('n', 60).exec().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await timeouts()).toEqual({ get: 3, mget: 1, incr: 1, expire: 1 });
    } finally {
      proxy.thaw();
    }
    // Redis answers again (the late replies of the timed-out commands are dropped), and nothing more is counted.
    await expect.poll(() => redis.get('k'), { timeout: 5_000 }).toBe('v');
    expect(await timeouts()).toEqual({ get: 3, mget: 1, incr: 1, expire: 1 });
  });
});
