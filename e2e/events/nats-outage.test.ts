/**
 * The platform does not depend on NATS being up: with the stream's server down, cart writes and
 * checkout still succeed and their events wait in the outboxes; once it is back, they all arrive,
 * once each. The test runs its own nats-server (own port and store) so it can kill it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CheckoutDocument } from '@platform/client';
import { readStream, startOwnNatsServer, startStack, type OwnNatsServer, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, sql, type FixtureProduct } from '@platform/testing';

let nats: OwnNatsServer;
let stack: TestStack;
let product: FixtureProduct;

const ADDRESS = { name: 'Lim Ah Kow', line1: '8 Marina View', city: 'Singapore', postalCode: '018960', country: 'SG' };

beforeAll(async () => {
  nats = await startOwnNatsServer();
  stack = await startStack({ env: { NATS_URL: nats.url } });
  product = await createProduct(stack, { price: '4.00', stock: 100 });
});
afterAll(async () => {
  await stack?.stop();
  await nats?.close();
});

const unsent = async () => (await sql<{ n: number }>(stack.db.url, `SELECT ((SELECT count(*) FROM cart."OutboxEvent" WHERE "streamedAt" IS NULL) + (SELECT count(*) FROM orders."OutboxEvent" WHERE "streamedAt" IS NULL))::int AS n`))[0]!.n;

describe('with the event stream down', () => {
  it('cart writes and checkout succeed, and their events arrive once NATS is back, each once', async () => {
    const me = { user: 'outage-shopper' } as const;
    const first = await readStream(stack.events);
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me);
    await first.waitFor((events) => events.some((e) => e.type === 'cart.line_added'), 'the first event, before the outage');
    await first.close();

    await nats.kill();
    let version = 0;
    for (let i = 0; i < 3; i++) version = expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me)).addCartLine, 'Cart').version;
    const placed = await stack.data(CheckoutDocument, { input: { idempotencyKey: 'outage-checkout', expectedCartVersion: version, shippingAddress: ADDRESS, paymentToken: 'tok_ok' } }, me);
    const order = expectType(placed.checkout, 'Order');
    // Nothing was lost: the outboxes hold the events of the outage (3 adds, the checkout, the order).
    expect(await unsent()).toBeGreaterThanOrEqual(5);

    await nats.start();
    const after = await readStream(stack.events);
    const events = await after.waitFor(
      (all) => all.some((e) => e.type === 'order.paid') && all.filter((e) => e.type.startsWith('cart.') && 'ownerId' in e.data && e.data.ownerId === me.user).length === 5,
      'the backlog of the outage',
      20_000,
    );
    await after.close();
    const mine = events.filter((e) => e.type.startsWith('cart.') && 'ownerId' in e.data && e.data.ownerId === me.user);
    expect(mine.map((e) => [e.type, 'cartVersion' in e.data ? e.data.cartVersion : null])).toEqual([
      ['cart.line_added', 1],
      ['cart.line_updated', 2],
      ['cart.line_updated', 3],
      ['cart.line_updated', 4],
      ['cart.checked_out', 5],
    ]);
    expect(events.filter((e) => e.type === 'order.paid').map((e) => 'orderId' in e.data && e.data.orderId)).toEqual([order.id]);
    const ids = events.map((e) => e.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    await expect.poll(unsent).toBe(0);
  });
});
