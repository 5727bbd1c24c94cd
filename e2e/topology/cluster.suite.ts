/**
 * `npm run test:cluster`: the platform as a fleet of real processes (scripts/cluster/topology.ts:
 * HAProxy → 2 gateways → HAProxy → 2 of each subgraph; Redis Cluster 3+3; PgBouncer in
 * transaction mode; a streaming replica for order history, the catalog and cart analytics). Clients speak to HAProxy, or to one
 * gateway instance when a test needs to choose. The fault tests run last: they kill a gateway
 * and a cart instance under load, fail over a Redis master and stop the replica.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartUpdatedSummaryDocument, CartViewDocument, CheckoutDocument, OrdersDocument } from '@platform/client';
import { connectDevice, type Device } from '@platform/e2e/support';
import { createClient, createProduct, expectType, sql, type TestClient } from '@platform/testing';
import { startTopology, type Instance, type Topology } from '../../scripts/cluster/topology.ts';

const ADDRESS = { name: 'Fleet Buyer', line1: '1 Raffles Place', city: 'Singapore', postalCode: '048616', country: 'SG' };

let topology: Topology;
let front: TestClient;
const at = (instance: Instance) => createClient(instance.url, topology.jwtSecret, { retriesWhenShed: 5 });
const devices: Device[] = [];

beforeAll(async () => {
  topology = await startTopology({ instances: 2, log: (line) => console.log(`topology: ${line}`) });
  front = createClient(topology.gatewayUrl, topology.jwtSecret, { retriesWhenShed: 5 });
}, 300_000);

afterAll(async () => {
  for (const d of devices) await d.disconnect().catch(() => undefined);
  await topology?.stop();
}, 120_000);

/** A counter's total on one instance's /metrics (every label set summed). */
async function counter(instance: Instance, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${instance.port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => new RegExp(`^\\w*${name}(\\{|\\s)`).test(l))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

const add = async (client: TestClient, user: string, productId: string, idempotencyKey?: string) =>
  expectType((await client.data(AddCartLineDocument, { input: { productId, quantity: 1, ...(idempotencyKey ? { idempotencyKey } : {}) } }, { user })).addCartLine, 'Cart');

describe('the fleet', () => {
  it('serves cart operations through HAProxy, on every gateway', async () => {
    const product = await createProduct(front, { name: 'Fleet mug', price: '9.50', stock: 100 });
    for (let i = 0; i < 4; i += 1) await add(front, 'fleet-shopper', product.id);
    for (const gateway of topology.gateways) expect((await at(gateway).data(CartViewDocument, {}, { user: 'fleet-shopper' })).cart).toMatchObject({ version: 4, totalQuantity: 4 });
  });

  it('never oversells when buyers check out at once, spread over the instances', async () => {
    const product = await createProduct(front, { name: 'Fleet limited', price: '50.00', stock: 5 });
    const buyers = Array.from({ length: 12 }, (_, i) => `fleet-buyer-${i}`);
    const versions = await Promise.all(buyers.map(async (user) => (await add(front, user, product.id)).version));
    /** A careful client: SERVICE_UNAVAILABLE (a busy machine) means "ask again with the same key", here on the other gateway. */
    const checkout = async (user: string, i: number) => {
      const input = { idempotencyKey: `race-${user}`, expectedCartVersion: versions[i]!, shippingAddress: ADDRESS, paymentToken: 'tok_ok' };
      for (let attempt = 0; attempt < 30; attempt += 1) {
        const result = await at(topology.gateways[(i + attempt) % 2]!).request(CheckoutDocument, { input }, { user });
        if (result.data?.checkout) return result.data.checkout;
        const unavailable = result.errors?.find((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');
        if (!unavailable) throw new Error(`checkout failed: ${JSON.stringify(result.errors)}`);
        await new Promise((resolve) => setTimeout(resolve, 1000 * Number(unavailable.extensions?.retryAfterSeconds ?? 1)));
      }
      throw new Error(`checkout of ${user} never answered`);
    };
    const results = await Promise.all(buyers.map((user, i) => checkout(user, i)));
    const placed = results.filter((r) => r.__typename === 'Order');
    expect(placed).toHaveLength(5);
    const [stock] = await sql<{ onHand: number }>(topology.database.url, `SELECT "onHand" FROM catalog."Inventory" WHERE "productId" = $1`, [product.id]);
    expect(stock?.onHand).toBe(0);
    const [sold] = await sql<{ n: number }>(topology.database.url, `SELECT count(*)::int AS n FROM orders."OrderLine" WHERE "productId" = $1`, [product.id]);
    expect(sold?.n).toBe(5);
  });

  it('syncs a cart live to devices on different gateways (and through HAProxy’s WebSocket passthrough)', async () => {
    const user = 'fleet-live';
    const token = await front.userToken(user);
    const product = await createProduct(front, { name: 'Fleet lamp', price: '12.00', stock: 100 });
    const onDevices = [topology.gateways[0]!.url, topology.gateways[1]!.url, topology.gatewayUrl].map((url) => {
      const device = connectDevice(url, { token });
      devices.push(device);
      return device.subscribe(CartUpdatedSummaryDocument);
    });
    await Promise.all(devices.slice(-3).map((d) => d.acknowledged));
    // A subscription is live once a change reaches it; keep changing until every device has heard one.
    await expect.poll(async () => (await add(front, user, product.id), onDevices.every((s) => s.results.length > 0)), { timeout: 20_000, interval: 200 }).toBe(true);
    const last = (await add(front, user, product.id)).version;
    for (const sub of onDevices) await expect.poll(() => sub.results.at(-1)?.data?.cartUpdated.version, { timeout: 10_000 }).toBe(last);
  });

  it('replays an idempotent write on another gateway and a checkout on another order instance', async () => {
    const product = await createProduct(front, { name: 'Fleet kettle', price: '30.00', stock: 100 });
    const user = 'fleet-replayer';
    const [g1, g2] = topology.gateways as [Instance, Instance];
    const first = await add(at(g1), user, product.id, 'fleet-add-1');
    expect((await add(at(g2), user, product.id, 'fleet-add-1')).version).toBe(first.version);
    expect((await at(g2).data(CartViewDocument, {}, { user })).cart?.totalQuantity).toBe(1);

    const orders = topology.subgraphs.order;
    const input = { idempotencyKey: 'fleet-checkout-1', expectedCartVersion: first.version, shippingAddress: ADDRESS, paymentToken: 'tok_ok' };
    const before = await Promise.all(orders.map((o) => counter(o, 'checkouts_total')));
    const placed = expectType((await at(g1).data(CheckoutDocument, { input }, { user })).checkout, 'Order');
    const afterFirst = await Promise.all(orders.map((o) => counter(o, 'checkouts_total')));
    const firstOn = afterFirst.findIndex((n, i) => n > before[i]!);
    // Round robin sends a replay to the other order instance within a few tries.
    let replays = 0;
    for (; replays < 8; replays += 1) {
      const replay = expectType((await at(g2).data(CheckoutDocument, { input }, { user })).checkout, 'Order');
      expect(replay.id).toBe(placed.id);
      if ((await counter(orders[1 - firstOn]!, 'checkouts_total')) > afterFirst[1 - firstOn]!) break;
    }
    expect(replays).toBeLessThan(8);
    const [count] = await sql<{ n: number }>(topology.database.url, `SELECT count(*)::int AS n FROM orders."Order" WHERE "userId" = $1`, [user]);
    expect(count?.n).toBe(1);
  });
});

describe('faults', () => {
  it('keeps cart writes acknowledged through a Redis master failover', async () => {
    const product = await createProduct(front, { name: 'Fleet failover', price: '5.00', stock: 1000 });
    const masters = (await topology.redis.topology()).filter((n) => n.role === 'master');
    const writes = (async () => {
      for (let i = 0; i < 20; i += 1) await add(front, 'fleet-redis', product.id);
    })();
    const failover = topology.redis.failover(masters[0]!.port);
    await Promise.all([writes, failover]);
    for (const gateway of topology.gateways) expect((await at(gateway).data(CartViewDocument, {}, { user: 'fleet-redis' })).cart?.totalQuantity).toBe(20);
  });

  it('reads order history, the catalog and analytics from the primary while the replica is stopped', async () => {
    const product = await createProduct(front, { name: 'Fleet replica', price: '5.00', stock: 10 });
    const user = 'fleet-history';
    const cart = await add(front, user, product.id);
    const order = expectType((await front.data(CheckoutDocument, { input: { idempotencyKey: 'hist-1', expectedCartVersion: cart.version, shippingAddress: ADDRESS, paymentToken: 'tok_ok' } }, { user })).checkout, 'Order');
    await topology.replica.stop();
    try {
      for (let i = 0; i < 4; i += 1) expect((await front.data(OrdersDocument, { first: 5 }, { user })).orders.edges.map((e) => e.node.id)).toEqual([order.id]);
      // Written while the replica is down: only the primary has it, and a shopper's catalog reads find it.
      const late = await createProduct(front, { name: 'Fleet late', brand: 'Fleet late brand', price: '5.00', stock: 1 });
      for (let i = 0; i < 4; i += 1) {
        expect((await front.data<{ product: { name: string } | null }>('query ($id: ID!) { product(id: $id) { name } }', { id: late.id }, { user: 'fleet-browser' })).product?.name).toBe('Fleet late');
        const listed = await front.data<{ products: { edges: { node: { id: string } }[] } }>('query { products(filter: { brand: "Fleet late brand" }) { edges { node { id } } } }', {}, { anonymous: true });
        expect(listed.products.edges.map((e) => e.node.id)).toEqual([late.id]);
        const analytics = await front.data<{ cartAnalytics: { cartsCreated: number } }>('query ($from: DateTime!, $to: DateTime!) { cartAnalytics(from: $from, to: $to) { cartsCreated } }', { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() }, { user: 'fleet-analyst', role: 'admin' });
        expect(analytics.cartAnalytics.cartsCreated).toBeGreaterThan(0);
      }
    } finally {
      await topology.replica.start();
    }
  });

  it('loses no acknowledged write when a gateway and a cart instance are killed under load', async () => {
    const product = await createProduct(front, { name: 'Fleet survivor', price: '5.00', stock: 10_000 });
    const users = ['kill-a', 'kill-b', 'kill-c', 'kill-d'];
    const WRITES = 15;
    let acknowledged = 0;
    let retried = 0;
    /** One write, retried with the same idempotency key until the fleet answers: what a careful client does. */
    const write = async (user: string, i: number) => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          const result = await front.request(AddCartLineDocument, { input: { productId: product.id, quantity: 1, idempotencyKey: `${user}-${i}` } }, { user });
          if (result.data?.addCartLine.__typename === 'Cart') return void (acknowledged += 1);
        } catch {
          // the connection died with the instance
        }
        if (attempt > 40) throw new Error(`write ${user}-${i} never acknowledged`);
        retried += 1;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    const load = Promise.all(users.map(async (user) => {
      for (let i = 0; i < WRITES; i += 1) await write(user, i);
    }));
    await expect.poll(() => acknowledged, { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(8);
    await Promise.all([topology.kill(topology.gateways[1]!), topology.kill(topology.subgraphs.cart[1]!)]);
    await load;
    expect(acknowledged).toBe(users.length * WRITES);
    for (const user of users) expect((await front.data(CartViewDocument, {}, { user })).cart).toMatchObject({ version: WRITES, totalQuantity: WRITES });
    console.log(`topology: ${retried} retries while instances died`);
  });
});
