/**
 * HTTP hardening at the gateway: API security headers on every answer (HSTS only when
 * configured), a configurable body limit, slow clients cut off once their headers are late, and
 * a cap on one caller's requests in flight that leaves other callers alone.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '@platform/gateway';
import { startExtraGateway, startStack, type TestStack } from '@platform/e2e/support';
import { waitUntil } from '@platform/testing';

let stack: TestStack;
let gateway: RunningGateway;
let frozen: net.Server;
const held = new Set<net.Socket>();

beforeAll(async () => {
  stack = await startStack();
  // A product subgraph that accepts connections and never answers: requests to it stay in flight.
  frozen = net.createServer((socket) => {
    held.add(socket);
    socket.on('close', () => held.delete(socket));
  });
  await new Promise<void>((resolve) => frozen.listen(0, '127.0.0.1', resolve));
  gateway = await startExtraGateway(stack, {
    PRODUCT_URL: `http://127.0.0.1:${(frozen.address() as AddressInfo).port}/graphql`,
    SUBGRAPH_QUERY_TIMEOUT_MS: '4000',
    HSTS_MAX_AGE_SECONDS: '31536000',
    MAX_REQUEST_BODY_BYTES: '2048',
    HTTP_HEADERS_TIMEOUT_MS: '600',
    MAX_CONCURRENT_PER_CALLER: '1',
  });
});
afterAll(async () => {
  await gateway?.stop();
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => frozen?.close(resolve));
  await stack?.stop();
});

const post = async (url: string, body: string, token?: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });

describe('security headers', () => {
  it('every answer says no sniffing, no framing, no referrer and loads nothing; HSTS only where configured', async () => {
    const plain = await post(stack.url, JSON.stringify({ query: '{ shippingCountries { code } }' }));
    const expected = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'content-security-policy': "default-src 'none';frame-ancestors 'none'" };
    for (const [name, value] of Object.entries(expected)) expect([name, plain.headers.get(name)]).toEqual([name, value]);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const tls = await fetch(new URL('/health', gateway.url));
    expect(tls.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });
});

describe('limits', () => {
  it('a body over MAX_REQUEST_BODY_BYTES is 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await post(gateway.url, JSON.stringify({ query: `{ shippingCountries { code } } # ${'x'.repeat(3000)}` }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  });

  it('a client that does not finish its headers in time is cut off', async () => {
    const socket = net.connect(new URL(gateway.url).port as unknown as number, '127.0.0.1');
    const closed = new Promise<string>((resolve) => {
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('close', () => resolve(answer));
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\n'); // and never the rest
    const answer = await closed;
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
  });

  it("past MAX_CONCURRENT_PER_CALLER, a caller's next request is 429 with Retry-After at once, while other callers are served", async () => {
    const alice = await stack.userToken('cap-alice');
    const bob = await stack.userToken('cap-bob');
    const stuck = post(gateway.url, JSON.stringify({ query: '{ categories { id } }' }), alice);
    await waitUntil(() => held.size > 0, 'the first request to reach the frozen product subgraph');
    const second = await post(gateway.url, JSON.stringify({ query: '{ shippingCountries { code } }' }), alice);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(await second.json()).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1, reason: 'TOO_MANY_IN_FLIGHT' } }] });
    const other = await post(gateway.url, JSON.stringify({ query: '{ shippingCountries { code } }' }), bob);
    expect(other.status).toBe(200);
    await stuck;
    // Once her first request has its answer, her place is free again.
    await expect.poll(async () => (await post(gateway.url, JSON.stringify({ query: '{ shippingCountries { code } }' }), alice)).status).toBe(200);
  });
});
