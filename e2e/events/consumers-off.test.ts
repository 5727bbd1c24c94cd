/**
 * EVENTS_CONSUMERS=false: request-serving instances publish their outboxes to the stream but run
 * no consumer, and a worker instance (the same subgraph, consumers on, serving no traffic) does
 * the consumers' work from the same durable consumer, so nothing the stream holds is missed.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartAnalyticsDocument } from '@platform/client';
import { createLogger } from '@platform/logger';
import { startCartSubgraph, type RunningCartSubgraph } from '@subgraph/cart';
import { loadCartConfig } from '@subgraph/cart/config';
import { readStream, startStack, type TestStack } from '@platform/e2e/support';
import { createProduct, waitUntil } from '@platform/testing';

let stack: TestStack;
let worker: RunningCartSubgraph | undefined;
const ADMIN = { user: 'analyst', role: 'admin' } as const;

/** The durable consumers that exist on the stack's stream. */
async function durables(): Promise<string[]> {
  const nc = await connect({ servers: stack.events.natsUrl, timeout: 2_000, reconnect: false });
  try {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const info of jsm.consumers.list(stack.events.stream)) if (info.config.durable_name) names.push(info.config.durable_name);
    return names.sort();
  } finally {
    await nc.close();
  }
}

beforeAll(async () => {
  stack = await startStack({ env: { EVENTS_CONSUMERS: 'false' } });
});

afterAll(async () => {
  await worker?.stop();
  await stack?.stop();
});

describe('with EVENTS_CONSUMERS=false', () => {
  it('the services publish every cart write to the stream and consume nothing; a worker with consumers on catches up on all of it', async () => {
    const product = await createProduct(stack, { stock: 50 });
    const reader = await readStream(stack.events);
    try {
      for (const user of ['off-1', 'off-2', 'off-3']) await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 2 } }, { user });
      await reader.waitFor((events) => events.filter((e) => e.type === 'cart.line_added').length === 3, 'three line_added events on the stream');
    } finally {
      await reader.close();
    }
    // Nobody consumed: no durable consumer exists, and the analytics rollups are empty.
    expect(await durables()).toEqual([]);
    expect(await stack.subgraphs.cart.events.consumerLag('cart-analytics')).toBeUndefined();
    const window = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString(), first: 10 };
    const before = (await stack.data(CartAnalyticsDocument, window, ADMIN)).cartAnalytics;
    expect(before.cartsCreated).toBe(0);

    // A worker: the cart subgraph once more, consumers on, serving no request.
    worker = await startCartSubgraph(loadCartConfig({ ...stack.env, CART_PORT: '0', EVENTS_CONSUMERS: 'true' }), createLogger('cart-worker', { level: 'silent' }));
    expect(await worker.events.ready()).toBe(true);
    // Only the worker's consumers: product's and order's stay off.
    expect(await durables()).toEqual(['cart-analytics', 'cart-reminders']);
    await waitUntil(async () => (await worker!.events.consumerLag('cart-analytics')) === 0, 'the worker to catch up', 20_000, 100);
    const after = (await stack.data(CartAnalyticsDocument, window, ADMIN)).cartAnalytics;
    expect(after.cartsCreated).toBe(3);
    expect(after.addedNotPurchased).toEqual([{ product: { id: product.id }, added: 3, purchased: 0, conversionRate: 0 }]);
  });
});
