/**
 * Live cart sync at its edges: which subscription documents the gateway refuses, how many a
 * connection may hold, which origins may upgrade, and how a gateway behaves when its Redis
 * subscriber drops or it is stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { GraphQLFormattedError } from 'graphql';
import { CartUpdatedSummaryDocument } from '@platform/client';
import type { RunningGateway } from '@platform/gateway';
import { startExtraGateway, startStack, TEST_JWT_SECRET, TEST_REDIS_URL, waitForLiveSubscriptions, type TestStack } from '@platform/e2e/support';
import { createClient, createProduct, startTcpProxy, waitUntil, type FixtureProduct } from '@platform/testing';
import { addLineVia, ALLOWED_ORIGIN, asUser, newUser, REPLICA_MAX_SUBSCRIPTIONS, startReplica, useDevices, versions } from './devices.ts';

let stack: TestStack;
let replica: RunningGateway;
let product: FixtureProduct;

beforeAll(async () => {
  stack = await startStack();
  replica = await startReplica(stack);
  product = await createProduct(stack, { price: '12.50', stock: 10_000 });
});
afterAll(async () => {
  await replica?.stop();
  await stack?.stop();
});

const { device } = useDevices(() => stack.gateway);
const addLine = (user: string, productId: string, quantity = 1, via: string = stack.url) => addLineVia(via, user, productId, quantity);

describe('subscription documents and connections', () => {
  async function rejected(query: string, variables?: Record<string, unknown>) {
    const user = newUser();
    const d = await device({ token: await stack.userToken(user) }, replica);
    const outcome = await d.subscribe(query, variables).ended;
    if (outcome.completed) return expect.unreachable('the subscription was accepted and completed instead of being rejected');
    return outcome.errors as readonly GraphQLFormattedError[];
  }

  it('a document deeper than the gateway’s depth limit is rejected', async () => {
    const errors = await rejected('subscription { cartUpdated { cart { lines { product { category { parent { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } } } } }');
    expect(errors[0]!.message).toMatch(/depth limit of 12 exceeded/i);
    expect(errors[0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('a second root field is rejected', async () => {
    const errors = await rejected('subscription { cartUpdated { version } again: cartUpdated { type } }');
    expect(errors[0]!.message).toMatch(/only one top level field/i);
  });

  it('an unknown field is rejected without suggesting names', async () => {
    const errors = await rejected('subscription { cartUpdated { cart { secretz } } }');
    expect(errors[0]!.message).toMatch(/Cannot query field "secretz"/);
    expect(errors[0]!.message).not.toMatch(/Did you mean/);
  });

  it('queries and mutations are not served over the WebSocket', async () => {
    const errors = await rejected('query { cart { id } }');
    expect(errors[0]!.extensions?.code).toBe('BAD_REQUEST');
  });

  it('variables that do not coerce are rejected', async () => {
    const errors = await rejected('subscription ($x: Boolean!) { cartUpdated { cart @include(if: $x) { id } } }', { x: 'yes' });
    expect(errors[0]!.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a connection holds at most the configured number of subscriptions', async () => {
    const user = newUser();
    const d = await device({ token: await stack.userToken(user) }, replica);
    const subs = Array.from({ length: REPLICA_MAX_SUBSCRIPTIONS }, () => d.subscribe(CartUpdatedSummaryDocument));
    await waitForLiveSubscriptions(replica, asUser(user), REPLICA_MAX_SUBSCRIPTIONS);
    const oneTooMany = await d.subscribe(CartUpdatedSummaryDocument).ended;
    expect(oneTooMany).toMatchObject({ completed: false, errors: [{ extensions: { code: 'RATE_LIMITED' } }] });
    // Ending one frees a place.
    subs[0]!.unsubscribe();
    await expect.poll(() => replica.subscriptions.liveSubscriptions(`USER:${user}`)).toBe(REPLICA_MAX_SUBSCRIPTIONS - 1);
    d.subscribe(CartUpdatedSummaryDocument);
    await waitForLiveSubscriptions(replica, asUser(user), REPLICA_MAX_SUBSCRIPTIONS);
  });

  it('refuses WebSocket upgrades from origins outside CORS_ORIGINS, and accepts listed ones', async () => {
    const upgrade = (origin: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(replica.url.replace(/^http/, 'ws'), 'graphql-transport-ws', { origin });
        ws.once('unexpected-response', (_req, res) => (resolve(res.statusCode ?? 0), ws.terminate()));
        ws.once('open', () => (resolve(101), ws.close()));
        ws.once('error', () => undefined);
      });
    expect(await upgrade('https://evil.example')).toBe(403);
    expect(await upgrade(ALLOWED_ORIGIN)).toBe(101);
  });

  it('closes a socket that sends no connection_init in time (4408)', async () => {
    const ws = new WebSocket(replica.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBe(4408);
  });
});

describe('operations', () => {
  it('keeps serving HTTP while its Redis subscriber is down, and delivers again once Redis is back', async () => {
    const target = new URL(TEST_REDIS_URL);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const isolated = await startExtraGateway(stack, { REDIS_URL: proxy.url('redis', target.pathname) });
    try {
      const user = newUser();
      const d = await device({ token: await stack.userToken(user) }, isolated);
      const sub = d.subscribe(CartUpdatedSummaryDocument);
      await waitForLiveSubscriptions(isolated, asUser(user));

      await proxy.down();
      await addLine(user, product.id, 1);
      const viaIsolated = await createClient(isolated.url, TEST_JWT_SECRET).request('{ cart { version } }', {}, asUser(user));
      expect(viaIsolated.data).toEqual({ cart: { version: 1 } });

      await proxy.up();
      // The subscriber reconnects with back-off; keep changing the cart until a change reaches the device.
      let changes = 0;
      await waitUntil(
        async () => sub.results.length > 0 || (await addLine(user, product.id, 1), changes++, false),
        () => `a cartUpdated payload after Redis came back (${changes} changes made since)`,
        15_000,
        500,
      );
      const seen = versions(sub.results) as number[];
      expect(seen[0]).toBeGreaterThan(1);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    } finally {
      await isolated.stop();
      await proxy.close();
    }
  });

  it('reports connections, live subscriptions, deliveries and delivery latency on /metrics', async () => {
    const user = newUser();
    const d = await device({ token: await stack.userToken(user) }, replica);
    const sub = d.subscribe(CartUpdatedSummaryDocument);
    await waitForLiveSubscriptions(replica, asUser(user));
    await addLine(user, product.id, 1);
    await sub.waitForResults(1);
    const text = await (await fetch(new URL('/metrics', replica.url))).text();
    const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('gateway_ws_connections')).toBeGreaterThanOrEqual(1);
    expect(value('gateway_cart_subscriptions')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^gateway_cart_update_deliveries_total\{outcome="delivered",service="gateway"\} [1-9]/m);
    expect(text).toMatch(/^gateway_cart_update_delivery_seconds_count\{service="gateway"\} [1-9]/m);
  });

  it('on stop, a gateway closes its devices’ sockets with 1001 Going Away', async () => {
    const leaving = await startExtraGateway(stack);
    const user = newUser();
    const d = await device({ token: await stack.userToken(user) }, leaving);
    const sub = d.subscribe(CartUpdatedSummaryDocument);
    await waitForLiveSubscriptions(leaving, asUser(user));
    await addLine(user, product.id, 1);
    await sub.waitForResults(1);
    const stopped = Date.now();
    await leaving.stop();
    expect(Date.now() - stopped).toBeLessThan(5_000);
    expect(await d.closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(leaving.subscriptions.openConnections()).toBe(0);
  });
});
