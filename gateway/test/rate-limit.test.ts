import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '@platform/e2e/support';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ redisProxy: true, env: { RATE_LIMIT_POINTS: '5', RATE_LIMIT_WINDOW_SECONDS: '60' } });
});
afterAll(() => stack?.stop());

const query = '{ categories { id } }';

describe('rate limiting at the gateway', () => {
  it('a caller over the limit gets 429 RATE_LIMITED with Retry-After, and other callers are unaffected', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await stack.request(query, {}, { user: 'greedy' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);

    const response = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await stack.userToken('greedy')}` }, body: JSON.stringify({ query }) });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await response.json();
    expect(body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });

    expect((await stack.request(query, {}, { user: 'modest' })).status).toBe(200);
  });

  it('a cached answer counts like any other: cache hits and fresh reads share one window', async () => {
    const hits = async () => {
      const metrics = await (await fetch(new URL('/metrics', stack.url))).text();
      return Number(/gateway_response_cache_lookups_total\{result="hit",service="gateway"\} (\d+)/.exec(metrics)?.[1] ?? 0);
    };
    const before = await hits();
    const other = '{ categories { name } }';
    // Two fresh reads (the first of each document), then three answers from the cache.
    const statuses = [];
    for (const q of [query, other, query, other, query]) statuses.push((await stack.request(q, {}, { user: 'mixed-reader' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect((await hits()) - before).toBe(3);
    // The sixth is over the limit whether or not it could be answered from the cache.
    expect((await stack.request(query, {}, { user: 'mixed-reader' })).status).toBe(429);
    expect((await stack.request('{ categories { id name } }', {}, { user: 'mixed-reader' })).status).toBe(429);
  });

  it('with Redis down the limit still holds, per instance, and nothing fails for lack of Redis', async () => {
    await stack.redisProxy!.down();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await stack.request(query, {}, { user: 'during-outage' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    await stack.redisProxy!.up();
  });
});
