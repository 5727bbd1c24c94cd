/**
 * The platform on a real Redis Cluster (3 masters, 3 replicas, `redis-server --cluster-enabled`),
 * through ioredis `Cluster` (`REDIS_CLUSTER_NODES`): caches and cache tags spread over the
 * masters and still serve hits (no SQL on a repeated cart view), live sync reaches devices on
 * two gateways, and cart writes keep being acknowledged, and reads stay fresh, across a
 * `CLUSTER FAILOVER` of the busiest master.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartUpdatedSummaryDocument, CartViewDocument } from '@platform/client';
import type { RunningGateway } from '@platform/gateway';
import { connectDevice, startExtraGateway, startRedisCluster, startStack, waitForLiveSubscriptions, type Device, type OwnRedisCluster, type TestStack } from '@platform/e2e/support';
import { createClient, createProduct, expectEachType, expectType, type FixtureProduct } from '@platform/testing';

let cluster: OwnRedisCluster;
let stack: TestStack;
let second: RunningGateway;
let product: FixtureProduct;
const devices: Device[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
  stack = await startStack({ env: { REDIS_CLUSTER_NODES: cluster.nodes } });
  second = await startExtraGateway(stack);
  product = await createProduct(stack, { name: 'Clustered kettle', price: '20.00', stock: 10_000 });
}, 180_000);

afterAll(async () => {
  for (const d of devices) await d.disconnect().catch(() => undefined);
  await second?.stop();
  await stack?.stop();
  await cluster?.close();
});

const add = async (user: string, quantity = 1) => expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity } }, { user })).addCartLine, 'Cart');
const view = async (user: string, gatewayUrl = stack.url) => (await createClient(gatewayUrl, stack.env.AUTH_JWT_SECRET!).data(CartViewDocument, {}, { user })).cart;

describe('on a Redis Cluster', () => {
  it('spreads keys over the masters and serves a repeated cart view from the cache, with no SQL', async () => {
    for (let i = 0; i < 12; i += 1) await add(`spread-${i}`, 2);
    await view('spread-0');
    const before = stack.subgraphs.cart.sql.count;
    expect((await view('spread-0'))?.totalQuantity).toBe(2);
    expect(stack.subgraphs.cart.sql.count).toBe(before);
    const perMaster = await cluster.keysPerMaster(stack.redisPrefix);
    expect([...perMaster.values()].filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('delivers live updates to devices on two gateways', async () => {
    const user = 'cluster-live';
    const token = await stack.userToken(user);
    const [near, far] = [connectDevice(stack.url, { token }), connectDevice(second.url, { token })];
    devices.push(near, far);
    const [onNear, onFar] = [near.subscribe(CartUpdatedSummaryDocument), far.subscribe(CartUpdatedSummaryDocument)];
    await Promise.all([waitForLiveSubscriptions(stack.gateway, { user }), waitForLiveSubscriptions(second, { user })]);
    for (let i = 0; i < 3; i += 1) await add(user);
    for (const sub of [onNear, onFar]) expect((await sub.waitForResults(3, 10_000)).map((r) => r.data?.cartUpdated.version)).toEqual([1, 2, 3]);
  });

  it('keeps acknowledging cart writes, and serving fresh carts, across a master failover', async () => {
    const users = ['failover-a', 'failover-b', 'failover-c'];
    const perMaster = await cluster.keysPerMaster(stack.redisPrefix);
    const busiest = [...perMaster].sort((a, b) => b[1] - a[1])[0]![0];
    let failedOver: number | undefined;
    const writers = users.map(async (user) => {
      const results = [];
      for (let i = 0; i < 15; i += 1) {
        results.push(await add(user));
        await view(user);
      }
      return results;
    });
    const failover = (async () => {
      await expect.poll(async () => (await view(users[0]!))?.totalQuantity ?? 0, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
      failedOver = await cluster.failover(busiest);
    })();
    const [written] = await Promise.all([Promise.all(writers), failover]);
    for (const results of written) expect(expectEachType(results, 'Cart').map((c) => c.version)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect((await cluster.topology()).find((n) => n.port === failedOver)?.role).toBe('master');
    // Every cache the failover might have left behind is either gone or current: each gateway shows the last write.
    for (const user of users) for (const url of [stack.url, second.url]) expect((await view(user, url))?.totalQuantity).toBe(15);
    // And Redis serves again: one more write, then a view that hits the cache.
    await add('failover-a');
    await view('failover-a');
    const sqlOfOneView = async () => {
      const before = stack.subgraphs.cart.sql.count;
      return (await view('failover-a'))?.totalQuantity === 16 ? stack.subgraphs.cart.sql.count - before : -1;
    };
    await expect.poll(sqlOfOneView, { timeout: 10_000 }).toBe(0);
  });
});
