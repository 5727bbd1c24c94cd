/**
 * Live cart sync scenario: N devices (users × devices per user) hold a `cartUpdated`
 * subscription with a cart page's selection (lines with product names, subtotal, cost) on one
 * gateway; users change their carts over HTTP. For every (mutation, device) pair it records the
 * delay from the mutation's HTTP response to that device receiving the version the mutation
 * produced, and prints p50/p95/p99, deliveries per second, and anything missing or out of order.
 * It measures and prints; it never fails on timing.
 */
import { performance } from 'node:perf_hooks';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { CartUpdatedDocument } from '@platform/client';
import { startStack } from '@platform/e2e/support';
import { createProduct, waitUntil } from '@platform/testing';
import { graphqlClient, percentile } from './lib.ts';

const ADD = `mutation ($input: AddCartLineInput!) { addCartLine(input: $input) { __typename ... on Cart { version } } }`;
const SUBSCRIPTION = print(CartUpdatedDocument);

export interface SubscriptionBenchOptions {
  /** Connected devices (default 2,000). */
  devices: number;
  /** Cart mutations in total, spread round-robin over the users. */
  mutations: number;
  /** Devices per user (default 10): each mutation fans out to this many devices. */
  devicesPerUser?: number;
  /** Mutations in flight at once (default 16). */
  concurrency?: number;
}

interface Device {
  user: number;
  client: Client;
  /** version -> receipt time (performance.now()). */
  received: Map<number, number>;
  outOfOrder: number;
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');

/** Connects `count` devices in waves, so the handshakes do not all land in one tick. */
async function connectDevices(url: string, tokens: string[], count: number, perUser: number): Promise<Device[]> {
  const devices: Device[] = [];
  const wave = 100;
  for (let start = 0; start < count; start += wave) {
    await Promise.all(
      Array.from({ length: Math.min(wave, count - start) }, async (_, k) => {
        const index = start + k;
        const user = Math.floor(index / perUser);
        let acknowledged!: () => void;
        const ready = new Promise<void>((resolve) => (acknowledged = resolve));
        const client = createClient({
          url: url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${tokens[user]}` },
          lazy: false,
          retryAttempts: 0,
          onNonLazyError: () => undefined,
          on: { connected: () => acknowledged() },
        });
        await ready;
        const device: Device = { user, client, received: new Map(), outOfOrder: 0 };
        let last = 0;
        client.subscribe<{ cartUpdated: { version: number } }>(
          { query: SUBSCRIPTION },
          {
            next: (result) => {
              const version = result.data?.cartUpdated.version;
              if (version === undefined) return;
              if (version <= last) device.outOfOrder += 1;
              last = version;
              device.received.set(version, performance.now());
            },
            error: () => undefined,
            complete: () => undefined,
          },
        );
        devices[index] = device;
      }),
    );
  }
  return devices;
}

/** Runs the scenario on a fresh stack and prints its figures. */
export async function runSubscriptionBench(options: SubscriptionBenchOptions): Promise<void> {
  const perUser = options.devicesPerUser ?? 10;
  const users = Math.max(1, Math.ceil(options.devices / perUser));
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 16, options.mutations));
  const stack = await startStack({ env: { DATABASE_POOL_SIZE: '20', WS_MAX_BUFFERED_UPDATES: '1000' } });
  const client = graphqlClient(stack.url);
  let devices: Device[] = [];
  try {
    const products = await Promise.all(Array.from({ length: 3 }, (_, i) => createProduct(stack, { name: `Bench live item ${i}`, price: `${i + 2}.50`, stock: 10_000_000 })));
    const tokens = await Promise.all(Array.from({ length: users }, (_, u) => stack.userToken(`bench-live-${u}`, { expiresInSeconds: 3600 })));

    const connectStarted = performance.now();
    devices = await connectDevices(stack.url, tokens, options.devices, perUser);
    await waitUntil(() => stack.gateway.subscriptions.liveSubscriptions() >= options.devices, `${options.devices} live subscriptions`, 120_000);
    const connectSeconds = (performance.now() - connectStarted) / 1000;

    const cartReads = async () => (await stack.gateway.metrics.registry.getSingleMetric('gateway_cart_update_reads_total')?.get())?.values[0]?.value ?? 0;
    const readsBefore = await cartReads();
    // Each mutation's response time, by user and the version it produced.
    const responded = new Map<string, number>();
    let next = 0;
    let failed = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < options.mutations; i = next++) {
          const user = i % users;
          try {
            const data = await client.send<{ addCartLine: { __typename: string; version?: number } }>(
              ADD,
              { input: { productId: products[i % products.length]!.id, quantity: 1 } },
              { authorization: `Bearer ${tokens[user]}` },
            );
            if (data.addCartLine.version === undefined) failed += 1;
            else responded.set(`${user}:${data.addCartLine.version}`, performance.now());
          } catch {
            failed += 1;
          }
        }
      }),
    );
    const mutationSeconds = (performance.now() - started) / 1000;

    const wanted = responded.size * perUser;
    await waitUntil(() => devices.reduce((n, d) => n + d.received.size, 0) >= wanted, `${wanted} deliveries`, 60_000).catch(() => undefined);

    const delays: number[] = [];
    let early = 0;
    let lastReceipt = started;
    for (const d of devices) {
      for (const [version, at] of d.received) {
        const response = responded.get(`${d.user}:${version}`);
        if (response === undefined) continue;
        if (at < response) early += 1;
        delays.push(Math.max(0, at - response));
        lastReceipt = Math.max(lastReceipt, at);
      }
    }
    delays.sort((a, b) => a - b);
    const delivered = delays.length;
    const reads = (await cartReads()) - readsBefore;
    const deliverySeconds = (lastReceipt - started) / 1000;

    console.log('\n## Live cart sync (graphql-ws through one gateway)');
    console.log(`${'scenario'.padEnd(44)} ${'deliveries'.padStart(10)} ${'per s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'missing'.padStart(8)}`);
    console.log(
      `${`cartUpdated to ${options.devices} devices`.padEnd(44)} ${String(delivered).padStart(10)} ${fmt(delivered / deliverySeconds).padStart(8)} ${fmt(percentile(delays, 50)).padStart(8)} ${fmt(percentile(delays, 95)).padStart(8)} ${fmt(percentile(delays, 99)).padStart(8)} ${String(wanted - delivered).padStart(8)}`,
    );
    for (const note of [
      `delay = a device receiving the version a mutation produced, minus that mutation's HTTP response (${early} arrived before the response and count as 0)`,
      `${users} users × ${perUser} devices; ${options.mutations} addCartLine mutations, ${concurrency} in flight (${fmt(options.mutations / mutationSeconds)} mutations/s, ${failed} failed); out-of-order payloads: ${devices.reduce((n, d) => n + d.outOfOrder, 0)}`,
      `each payload: lines with product names, subtotal and cost { total } resolved through the supergraph (${reads} supergraph executions for ${delivered} payloads: a user's devices share one); ${options.devices} devices connected and live in ${connectSeconds.toFixed(1)} s`,
      'gateway, subgraphs, WebSocket clients and load generator share one process on this machine',
    ])
      console.log(`  ${note}`);
  } finally {
    await Promise.all(devices.map((d) => d.client.dispose()));
    await client.close();
    await stack.stop();
  }
}
