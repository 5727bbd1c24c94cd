/**
 * A relay killed mid-batch (after the stream acknowledged some events, before it recorded them
 * as sent) and started again publishes nothing twice and loses nothing: the replayed events carry
 * the same `Nats-Msg-Id` and the stream drops them as duplicates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument } from '@platform/client';
import { readStream, startStack, type StreamReader, type TestStack } from '@platform/e2e/support';
import { RelayHalted } from '@platform/server/stream';
import { createProduct, sql, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let stream: StreamReader;
let product: FixtureProduct;

beforeAll(async () => {
  // No relay timer: the test runs the relay itself.
  stack = await startStack({ env: { EVENTS_RELAY_INTERVAL_MS: '0' } });
  stream = await readStream(stack.events);
  product = await createProduct(stack, { price: '3.00', stock: 100 });
});
afterAll(async () => {
  await stream?.close();
  await stack?.stop();
});

const unsentCartEvents = async () => (await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM cart."OutboxEvent" WHERE "streamedAt" IS NULL`))[0]!.n;
const cartEvents = () => stream.events().filter((e) => e.type.startsWith('cart.'));

describe('the outbox relay after a crash', () => {
  it('killed mid-batch and restarted, it publishes every event exactly once, in order per cart', async () => {
    const users = ['crash-a', 'crash-b'];
    for (let i = 0; i < 4; i++) {
      for (const user of users) await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, { user });
    }
    expect(await unsentCartEvents()).toBe(8);

    const cart = stack.subgraphs.cart;
    cart.events.faults.afterPublish = (_row, index) => {
      if (index === 2) throw new RelayHalted();
    };
    await expect(cart.relayEvents()).rejects.toBeInstanceOf(RelayHalted);
    // Some events are on the stream, yet the outbox still owes all eight (the crash came before the marks).
    await stream.waitFor(() => cartEvents().length >= 3, 'the events published before the crash');
    expect(await unsentCartEvents()).toBe(8);

    cart.events.faults.afterPublish = undefined;
    const report = await cart.relayEvents();
    expect([report.published + report.duplicates, report.deferred]).toEqual([8, 0]);
    expect(report.duplicates).toBeGreaterThanOrEqual(3);
    expect(await unsentCartEvents()).toBe(0);

    await stream.waitFor(() => cartEvents().length === 8, 'all eight cart events');
    // A straggler would show up within the next relay; there is none to come.
    expect(await cart.relayEvents()).toEqual({ published: 0, duplicates: 0, deferred: 0 });
    const events = cartEvents();
    expect(new Set(events.map((e) => e.id)).size).toBe(8);
    for (const user of users) {
      const versions = events.flatMap((e) => ('ownerId' in e.data && e.data.ownerId === user && 'cartVersion' in e.data ? [e.data.cartVersion] : []));
      expect({ user, versions }).toEqual({ user, versions: [1, 2, 3, 4] });
    }
  });
});
