/**
 * Under overload and partial failure the gateway stays honest and fast: readiness names what is
 * actually unavailable, and requests it cannot serve in time are shed at once with 503 and
 * Retry-After instead of queueing behind the others.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '@platform/gateway';
import { startExtraGateway, startStack, type TestStack } from '@platform/e2e/support';
import { waitUntil } from '@platform/testing';

let stack: TestStack;
let frozen: net.Server;
let frozenUrl: string;
const held = new Set<net.Socket>();
beforeAll(async () => {
  stack = await startStack();
  // A product subgraph that is frozen (SIGSTOPped): it accepts connections and never answers.
  frozen = net.createServer((socket) => {
    held.add(socket);
    socket.on('close', () => held.delete(socket));
  });
  await new Promise<void>((resolve) => frozen.listen(0, '127.0.0.1', resolve));
  frozenUrl = `http://127.0.0.1:${(frozen.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => frozen?.close(resolve));
  await stack?.stop();
});

const query = (gateway: RunningGateway, text: string) => fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });

describe('readiness', () => {
  it('with only the product subgraph frozen, names product as down and Postgres as up', async () => {
    const gateway = await startExtraGateway(stack, { PRODUCT_URL: frozenUrl });
    try {
      const ready = await fetch(new URL('/ready', gateway.url));
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'unavailable', checks: { product: 'down', cart: 'up', pricing: 'up', order: 'up', postgres: 'up' } });
    } finally {
      await gateway.stop();
    }
  });
});

describe('load shedding', () => {
  it('past the in-flight cap, answers new requests at once with 503 and Retry-After, and serves again once they finish', async () => {
    const gateway = await startExtraGateway(stack, { PRODUCT_URL: frozenUrl, SHED_MAX_IN_FLIGHT: '2', SUBGRAPH_TIMEOUT_MS: '1500' });
    try {
      // Two requests wait on the frozen product subgraph, holding both places.
      const stuck = [query(gateway, '{ categories { id } }'), query(gateway, '{ categories { name } }')];
      await waitUntil(() => gateway.shedding() === 'in-flight', 'both places to be taken');
      const started = Date.now();
      const shed = await query(gateway, '{ shippingCountries { code } }');
      expect(Date.now() - started).toBeLessThan(500);
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('1');
      expect(await shed.json()).toMatchObject({ errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 } }] });
      const timedOut = await Promise.all(stuck.map(async (r) => (await (await r).json()) as { errors?: { extensions?: { code?: string; service?: string } }[] }));
      expect(timedOut.map((b) => b.errors?.[0]?.extensions)).toEqual([
        { code: 'SERVICE_UNAVAILABLE', service: 'product', retryAfterSeconds: 1 },
        { code: 'SERVICE_UNAVAILABLE', service: 'product', retryAfterSeconds: 1 },
      ]);
      await waitUntil(() => gateway.shedding() === undefined, 'the places to be free again');
      expect((await query(gateway, '{ shippingCountries { code } }')).status).toBe(200);
      const metrics = await (await fetch(new URL('/metrics', gateway.url))).text();
      expect(metrics).toMatch(/gateway_shed_requests_total\{reason="in-flight",service="gateway"\} 1/);
    } finally {
      await gateway.stop();
    }
  });

  it('while the event loop lags past the threshold, sheds new requests, and recovers by itself', async () => {
    const gateway = await startExtraGateway(stack, { SHED_EVENT_LOOP_DELAY_MS: '100' });
    try {
      const until = Date.now() + 700;
      while (Date.now() < until); // the process is saturated for 0.7 s
      await waitUntil(() => gateway.shedding() === 'event-loop', 'the lag to be seen');
      const shed = await query(gateway, '{ shippingCountries { code } }');
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('1');
      await waitUntil(() => gateway.shedding() === undefined, 'the lag to pass', 5_000);
      expect((await query(gateway, '{ shippingCountries { code } }')).status).toBe(200);
    } finally {
      await gateway.stop();
    }
  });
});
