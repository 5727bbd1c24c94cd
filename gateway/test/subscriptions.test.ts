/**
 * Live cart sync end to end: real gateways (two instances on one stack), real WebSockets
 * speaking graphql-transport-ws, real Redis carrying the cart outbox, real Postgres.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  AddCartLineDocument,
  CartEventsDocument,
  CartUpdatedDocument,
  CartUpdatedSummaryDocument,
  MergeGuestCartDocument,
  type CartUpdatedSubscription,
  type CartUpdatedSummarySubscription,
} from '@platform/client';
import type { RunningGateway } from '@platform/gateway';
import { signUserToken } from '@platform/auth';
import {
  connectDevice,
  startExtraGateway,
  startStack,
  TEST_JWT_SECRET,
  TEST_REDIS_URL,
  waitForLiveSubscriptions,
  type Device,
  type DeviceCredentials,
  type TestStack,
} from '@platform/e2e/support';
import { createClient, createProduct, startTcpProxy, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
/** A second replica: another process behind the same load balancer, on the same stack. */
let replica: RunningGateway;
let product: FixtureProduct;
let other: FixtureProduct;
const ALLOWED_ORIGIN = 'https://shop.example';
const REPLICA_MAX_SUBSCRIPTIONS = 3;

beforeAll(async () => {
  stack = await startStack();
  replica = await startExtraGateway(stack, { CORS_ORIGINS: ALLOWED_ORIGIN, WS_INIT_TIMEOUT_MS: '1000', WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: String(REPLICA_MAX_SUBSCRIPTIONS) });
  [product, other] = await Promise.all([createProduct(stack, { price: '12.50', stock: 10_000 }), createProduct(stack, { price: '3.20', stock: 10_000 })]);
});
afterAll(async () => {
  await replica?.stop();
  await stack?.stop();
});

const devices: Device[] = [];
afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.disconnect()));
});

/** A device connected to `gateway` (the stack's own by default), acknowledged by the server. */
async function device(credentials: DeviceCredentials, gateway: RunningGateway = stack.gateway): Promise<Device> {
  const d = connectDevice(gateway.url, credentials);
  devices.push(d);
  await d.acknowledged;
  return d;
}

const newUser = () => `user-${randomUUID()}`;
const asUser = (user: string) => ({ user }) as const;
const addLine = (user: string, productId: string, quantity = 1, via: string = stack.url) =>
  createClient(via, TEST_JWT_SECRET).data(AddCartLineDocument, { input: { productId, quantity } }, asUser(user));
const versions = (results: { data?: CartUpdatedSummarySubscription | CartUpdatedSubscription | null }[]) => results.map((r) => r.data?.cartUpdated.version);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fan-out across gateway instances', () => {
  it('two devices of one user on two gateway instances each receive the other one’s addCartLine within 1 s, with product names and cost resolved', async () => {
    const user = newUser();
    const token = await stack.userToken(user);
    const [phone, laptop] = await Promise.all([device({ token }), device({ token }, replica)]);
    const onPhone = phone.subscribe(CartUpdatedDocument);
    const onLaptop = laptop.subscribe(CartUpdatedDocument);
    await Promise.all([waitForLiveSubscriptions(stack.gateway, asUser(user)), waitForLiveSubscriptions(replica, asUser(user))]);

    // The phone adds through its gateway; the laptop, on the other instance, hears of it.
    await addLine(user, product.id, 2, stack.gateway.url);
    await onLaptop.waitForResults(1, 1_000);
    // The laptop adds through its gateway; the phone hears of it.
    await addLine(user, other.id, 1, replica.url);
    await onPhone.waitForResults(2, 1_000);
    await onLaptop.waitForResults(2, 1_000);

    const { cart } = await stack.data<{ cart: { cost: { total: { amount: string; currencyCode: string } } } | null }>('{ cart { cost { total { amount currencyCode } } } }', {}, asUser(user));
    for (const results of [onPhone.results, onLaptop.results]) {
      expect(results.map((r) => r.errors)).toEqual([undefined, undefined]);
      expect(versions(results)).toEqual([1, 2]);
      const [first, second] = results.map((r) => r.data!.cartUpdated);
      expect(first!.type).toBe('LINE_ADDED');
      expect(first!.cart.lines.map((l) => [l.product.name, l.quantity])).toContainEqual([product.name, 2]);
      expect(second!.cart).toMatchObject({ version: 2, ownerType: 'USER', totalQuantity: 3, subtotal: { amount: '28.20' } });
      expect(second!.cart.lines.map((l) => [l.product.name, l.quantity])).toEqual([
        [product.name, 2],
        [other.name, 1],
      ]);
      expect(second!.cart.cost.total).toEqual(cart!.cost.total);
      expect(second!.cart.cost.total.amount).toMatch(/^\d+\.\d{2}$/);
    }
  });

  it('delivers exactly the subscriber’s selection: aliases, fragments, variables and @include', async () => {
    const user = newUser();
    const d = await device({ token: await stack.userToken(user) }, replica);
    const shaped = d.subscribe<Record<string, unknown>>(
      `subscription Shaped($withLines: Boolean!, $withoutCost: Boolean!) {
        update: cartUpdated { v: version ...Cart }
      }
      fragment Cart on CartUpdate {
        kind: type
        cart {
          ... on Cart { n: totalQuantity }
          lines @include(if: $withLines) { product { title: name } }
          cost @skip(if: $withoutCost) { total { amount } }
        }
      }`,
      { withLines: true, withoutCost: true },
    );
    await waitForLiveSubscriptions(replica, asUser(user));
    await addLine(user, product.id, 4);
    const [result] = await shaped.waitForResults(1);
    expect(result).toEqual({ data: { update: { v: 1, kind: 'LINE_ADDED', cart: { n: 4, lines: [{ product: { title: product.name } }] } } } });
  });
});

describe('ordering', () => {
  it('20 rapid changes arrive on every device in version order, none missing, none twice', async () => {
    const user = newUser();
    const token = await stack.userToken(user);
    const [near, far] = await Promise.all([device({ token }), device({ token }, replica)]);
    const onNear = near.subscribe(CartUpdatedSummaryDocument);
    const onFar = far.subscribe(CartUpdatedSummaryDocument);
    await Promise.all([waitForLiveSubscriptions(stack.gateway, asUser(user)), waitForLiveSubscriptions(replica, asUser(user))]);

    // Concurrent writes: the cart serialises them, but their events may reach Redis out of order.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => addLine(user, i % 2 ? product.id : other.id, 1)));
    expect(results.every((r) => r.addCartLine.__typename === 'Cart')).toBe(true);

    const expected = Array.from({ length: 20 }, (_, i) => i + 1);
    for (const sub of [onNear, onFar]) {
      await sub.waitForResults(20, 10_000);
      await sleep(200);
      expect(versions(sub.results)).toEqual(expected);
      // Each payload's cart is at least as new as the change it announces.
      for (const r of sub.results) expect(r.data!.cartUpdated.cart.version).toBeGreaterThanOrEqual(r.data!.cartUpdated.version);
      expect(sub.results.at(-1)!.data!.cartUpdated.cart).toMatchObject({ version: 20, totalQuantity: 20 });
    }
  });

  it('a device that was disconnected during 5 changes catches up through cartEvents(afterVersion)', async () => {
    const user = newUser();
    const token = await stack.userToken(user);
    const first = await device({ token });
    const live = first.subscribe(CartUpdatedSummaryDocument);
    await waitForLiveSubscriptions(stack.gateway, asUser(user));
    await addLine(user, product.id, 1);
    const [seen] = await live.waitForResults(1);
    const lastSeen = seen!.data!.cartUpdated.version;
    await first.disconnect();

    for (let i = 0; i < 5; i++) await addLine(user, i % 2 ? product.id : other.id, 1);

    // Back online: resubscribe first, then read what was missed, then keep listening.
    const again = await device({ token }, replica);
    const resumed = again.subscribe(CartUpdatedSummaryDocument);
    await waitForLiveSubscriptions(replica, asUser(user));
    const { cartEvents } = await stack.data(CartEventsDocument, { afterVersion: lastSeen }, asUser(user));
    expect(cartEvents.map((e) => e.version)).toEqual([2, 3, 4, 5, 6]);
    expect(cartEvents.every((e) => e.type === 'LINE_ADDED' || e.type === 'LINE_UPDATED')).toBe(true);
    expect(resumed.results).toEqual([]);

    await addLine(user, product.id, 1);
    await resumed.waitForResults(1);
    expect(versions(resumed.results)).toEqual([7]);
  });
});

describe('identity', () => {
  it('a stranger never receives another owner’s cart updates', async () => {
    const owner = newUser();
    const stranger = newUser();
    const guest = await stack.guestToken();
    const mine = await device({ token: await stack.userToken(owner) }, replica);
    const theirs = await device({ token: await stack.userToken(stranger) }, replica);
    const guestDevice = await device({ guest }, replica);
    const onMine = mine.subscribe(CartUpdatedSummaryDocument);
    const onTheirs = theirs.subscribe(CartUpdatedSummaryDocument);
    const onGuest = guestDevice.subscribe(CartUpdatedSummaryDocument);
    await Promise.all([
      waitForLiveSubscriptions(replica, asUser(owner)),
      waitForLiveSubscriptions(replica, asUser(stranger)),
      waitForLiveSubscriptions(replica, { guest }),
    ]);

    for (let i = 0; i < 3; i++) await addLine(owner, product.id, 1);
    await onMine.waitForResults(3);
    await sleep(300);
    expect(versions(onMine.results)).toEqual([1, 2, 3]);
    expect(onTheirs.results).toEqual([]);
    expect(onGuest.results).toEqual([]);
  });

  it.each([
    ['a malformed token', { token: 'not-a-jwt' }, /invalid/],
    ['a token signed with another secret', { token: 'forged' }, /invalid/],
    ['no credentials at all', { anonymous: true }, /token/],
    ['an already expired token', { token: 'expired' }, /expired/],
  ] as const)('%s on connection_init is refused with 4403', async (_name, credentials, reason) => {
    let resolved: DeviceCredentials = credentials;
    if ('token' in credentials && credentials.token === 'forged') resolved = { token: await signUserToken('someone-elses-secret-0123456789-0123456789', { userId: 'mallory' }) };
    if ('token' in credentials && credentials.token === 'expired') resolved = { token: await stack.userToken('late', { expiresInSeconds: 60, now: new Date(Date.now() - 3_600_000) }) };
    const d = connectDevice(stack.url, resolved);
    devices.push(d);
    await expect(d.acknowledged).rejects.toThrow(/4403/);
    const closed = await d.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(reason);
  });

  it('a guest token sent as a user JWT is refused', async () => {
    const d = connectDevice(stack.url, { params: { authorization: `Bearer ${await stack.guestToken()}` } });
    devices.push(d);
    expect((await d.closed).code).toBe(4403);
  });

  it('the socket closes (4403, session expired) when the token expires', async () => {
    const user = newUser();
    const d = await device({ token: await stack.userToken(user, { expiresInSeconds: 2 }) });
    const sub = d.subscribe(CartUpdatedSummaryDocument);
    await waitForLiveSubscriptions(stack.gateway, asUser(user));
    const started = Date.now();
    const closed = await d.closed;
    expect(closed).toEqual({ code: 4403, reason: 'Forbidden: session expired' });
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(sub.ended).resolves.toMatchObject({ completed: false });
    await expect.poll(() => stack.gateway.subscriptions.liveSubscriptions(`USER:${user}`)).toBe(0);
  });
});

describe('guests, merge and checkout', () => {
  it('a guest device receives updates; after mergeGuestCart its subscription completes and it can subscribe as the user', async () => {
    const guest = await stack.guestToken();
    const user = newUser();
    const token = await stack.userToken(user);
    const guestDevice = await device({ guest });
    const userDevice = await device({ token }, replica);
    const asGuest = guestDevice.subscribe(CartUpdatedDocument);
    const asOwner = userDevice.subscribe(CartUpdatedSummaryDocument);
    await Promise.all([waitForLiveSubscriptions(stack.gateway, { guest }), waitForLiveSubscriptions(replica, asUser(user))]);

    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 2 } }, { guest });
    const [update] = await asGuest.waitForResults(1);
    expect(update!.data!.cartUpdated).toMatchObject({ version: 1, type: 'LINE_ADDED', cart: { ownerType: 'GUEST', lines: [{ quantity: 2, product: { name: product.name } }] } });

    const merged = await stack.data(MergeGuestCartDocument, { input: { guestToken: guest } }, asUser(user));
    expect(merged.mergeGuestCart.cart.totalQuantity).toBe(2);
    await expect(asGuest.ended).resolves.toEqual({ completed: true });
    expect(asGuest.results).toHaveLength(1);
    const [mergedUpdate] = await asOwner.waitForResults(1);
    expect(mergedUpdate!.data!.cartUpdated).toMatchObject({ type: 'MERGED', cart: { totalQuantity: 2 } });

    // The same device signs in: a new connection bound to the user.
    const signedIn = await device({ token });
    const asUserNow = signedIn.subscribe(CartUpdatedSummaryDocument);
    await waitForLiveSubscriptions(stack.gateway, asUser(user));
    await addLine(user, other.id, 1);
    const [next] = await asUserNow.waitForResults(1);
    expect(next!.data!.cartUpdated).toMatchObject({ type: 'LINE_ADDED', cart: { totalQuantity: 3 } });
  });

  it('the checkout step that empties the cart delivers a CHECKED_OUT update', async () => {
    const user = newUser();
    const d = await device({ token: await stack.userToken(user) });
    const sub = d.subscribe(CartUpdatedSummaryDocument);
    await waitForLiveSubscriptions(stack.gateway, asUser(user));
    await addLine(user, product.id, 3);
    // What the order subgraph's checkout saga calls once the order is paid (markCheckedOut).
    const done = await stack.subgraphs.cart.carts.checkOut({ ownerType: 'USER', ownerId: user }, { expectedVersion: 1, checkoutId: randomUUID() });
    expect(done).toMatchObject({ version: 2 });
    await sub.waitForResults(2);
    expect(sub.results.map((r) => r.data!.cartUpdated)).toMatchObject([
      { version: 1, type: 'LINE_ADDED', cart: { totalQuantity: 3 } },
      { version: 2, type: 'CHECKED_OUT', cart: { totalQuantity: 0 } },
    ]);
  });
});

describe('subscription documents and connections', () => {
  async function rejected(query: string, variables?: Record<string, unknown>) {
    const user = newUser();
    const d = await device({ token: await stack.userToken(user) }, replica);
    const outcome = await d.subscribe(query, variables).ended;
    expect(outcome.completed).toBe(false);
    return (outcome as { errors: { message: string; extensions?: { code?: string } }[] }).errors;
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
      const d = connectDevice(isolated.url, { token: await stack.userToken(user) });
      devices.push(d);
      await d.acknowledged;
      const sub = d.subscribe(CartUpdatedSummaryDocument);
      await waitForLiveSubscriptions(isolated, asUser(user));

      await proxy.down();
      await addLine(user, product.id, 1);
      const viaIsolated = await createClient(isolated.url, TEST_JWT_SECRET).request('{ cart { version } }', {}, asUser(user));
      expect(viaIsolated.data).toEqual({ cart: { version: 1 } });

      await proxy.up();
      // The subscriber reconnects with back-off; keep changing the cart until one arrives.
      for (let i = 0; i < 30 && sub.results.length === 0; i++) {
        await addLine(user, product.id, 1);
        await sleep(500);
      }
      expect(sub.results.length).toBeGreaterThan(0);
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
    const d = connectDevice(leaving.url, { token: await stack.userToken(user) });
    devices.push(d);
    await d.acknowledged;
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
