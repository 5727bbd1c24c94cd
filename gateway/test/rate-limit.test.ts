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

  it('with Redis down the limit still holds, per instance, and nothing fails for lack of Redis', async () => {
    await stack.redisProxy!.down();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await stack.request(query, {}, { user: 'during-outage' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    await stack.redisProxy!.up();
  });
});
