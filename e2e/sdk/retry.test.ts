/**
 * The SDK's retries against a real gateway: its rate limit (HTTP 429 with Retry-After, kept low
 * in this file's stack) and a real network outage (a TCP proxy in front of the gateway).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCartClient, CartNetworkError, type RetryInfo } from '@cart-platform/sdk';
import { startStack, type TestStack } from '@platform/e2e/support';
import { startTcpProxy, type TcpProxy } from '@platform/testing';

let stack: TestStack;
let proxy: TcpProxy;

beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_POINTS: '3', RATE_LIMIT_WINDOW_SECONDS: '1' } });
  proxy = await startTcpProxy({ host: '127.0.0.1', port: stack.gateway.port });
});
afterAll(async () => {
  await proxy?.close();
  await stack?.stop();
});

describe('retries', () => {
  it('over the rate limit, calls wait what Retry-After asks and then succeed', async () => {
    const retries: RetryInfo[] = [];
    const client = createCartClient({ url: stack.url, token: await stack.userToken('burst'), persistedQueries: false, onRetry: (info) => retries.push(info) });
    const started = Date.now();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await client.categories());
    expect(results.map((r) => r.categories.length > 0)).toEqual([true, true, true, true, true]);
    // 3 points a second: the 4th call met a 429 and waited for the next window.
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries.map((r) => r.reason)).toEqual(retries.map(() => 'rate-limited'));
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('a query during a network outage is retried with backoff until the gateway is reachable again', async () => {
    const retries: RetryInfo[] = [];
    const client = createCartClient({
      url: proxy.url('http', '/graphql'),
      retry: { attempts: 6, baseDelayMs: 100 },
      onRetry: (info) => {
        retries.push(info);
        if (retries.length === 2) void proxy.up();
      },
    });
    await proxy.down();
    const { categories } = await client.categories();
    expect(categories.length).toBeGreaterThan(0);
    expect(retries.map((r) => [r.retry, r.reason])).toEqual([
      [1, 'network'],
      [2, 'network'],
    ]);
  });

  it('a mutation without an idempotency key is not repeated after a network error, and the error says so', async () => {
    const client = createCartClient({ url: proxy.url('http', '/graphql'), token: await stack.userToken('sharer'), retry: { baseDelayMs: 10 } });
    await proxy.down();
    try {
      const failure = await client.shareCart().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CartNetworkError);
      expect((failure as CartNetworkError).attempts).toBe(1);
      expect((failure as Error).message).toMatch(/^ShareCart: network error/);
    } finally {
      await proxy.up();
    }
  });
});
