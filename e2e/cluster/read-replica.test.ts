/**
 * Order history on a real streaming replica (pg_basebackup -R of the test Postgres), with
 * read-your-writes: with the replica's replay paused, a user who just checked out still reads
 * their new order (from the primary) while the replica demonstrably lacks it; others read the
 * replica; once replay resumes the user is back on the replica; a stopped replica sends every
 * read to the primary, and the read in flight when it went is answered from the primary too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CheckoutDocument, OrdersDocument } from '@platform/client';
import { startReplica, startStack, type OwnReplica, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, type FixtureProduct } from '@platform/testing';

const ADDRESS = { name: 'Replica Reader', line1: '1 Raffles Place', city: 'Singapore', postalCode: '048616', country: 'SG' };

let replica: OwnReplica;
let stack: TestStack;
let product: FixtureProduct;

beforeAll(async () => {
  replica = await startReplica();
  stack = await startStack({
    // A lag bound far above the test's length: only read-your-writes keeps the writer off the paused replica.
    env: { READ_REPLICA_MAX_LAG_MS: '600000', READ_REPLICA_CHECK_INTERVAL_MS: '100', CHECKOUT_RECOVERY_INTERVAL_MS: '0' },
    envFor: (database) => ({ ORDER_READ_DATABASE_URL: replica.url(database) }),
  });
  product = await createProduct(stack, { name: 'Replicated lamp', price: '30.00', stock: 100 });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await replica?.close();
});

async function buy(user: string, key: string): Promise<string> {
  const cart = expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, { user })).addCartLine, 'Cart');
  const result = await stack.data(CheckoutDocument, { input: { idempotencyKey: key, expectedCartVersion: cart.version, shippingAddress: ADDRESS, paymentToken: 'tok_ok' } }, { user });
  return expectType(result.checkout, 'Order').id;
}

const history = async (user: string) => (await stack.data(OrdersDocument, { first: 20 }, { user })).orders.edges.map((e) => e.node.id);
const onReplica = async (id: string) => (await replica.query<{ id: string }>(stack.db.name, `SELECT id FROM orders."Order" WHERE id = $1`, [id])).length > 0;
const reads = () => stack.subgraphs.order.reads;

describe('order history on a streaming replica', () => {
  it('sends a reader with no recent writes to the replica once it has caught up', async () => {
    await expect.poll(async () => (await reads().check()).healthy, { timeout: 30_000 }).toBe(true);
    expect(await reads().route('just-browsing')).toBe('replica');
    expect(await history('just-browsing')).toEqual([]);
  });

  it('with replay paused, a user who just checked out reads their order; the replica does not have it', async () => {
    const first = await buy('ryw-buyer', 'ryw-1');
    await expect.poll(() => onReplica(first), { timeout: 30_000 }).toBe(true);
    await expect.poll(async () => reads().route('ryw-buyer'), { timeout: 30_000 }).toBe('replica');
    expect(await history('ryw-buyer')).toEqual([first]);

    await replica.pauseReplay();
    try {
      const second = await buy('ryw-buyer', 'ryw-2');
      // The lag is real: the replica serves the state before the checkout...
      await reads().check();
      expect(await onReplica(second)).toBe(false);
      // ...and the buyer never reads it: every read until the replica replays the write goes to the primary.
      expect(await reads().route('ryw-buyer')).toBe('primary');
      for (let i = 0; i < 5; i += 1) expect(await history('ryw-buyer')).toEqual([second, first]);
      // A reader who wrote nothing still reads the (stale but bounded) replica.
      expect(await reads().route('just-browsing')).toBe('replica');
    } finally {
      await replica.resumeReplay();
    }
    await expect.poll(async () => reads().route('ryw-buyer'), { timeout: 30_000 }).toBe('replica');
    expect((await history('ryw-buyer')).length).toBe(2);
  });

  it('reads from the primary while the replica is stopped, including the read that finds it gone', async () => {
    const id = await buy('replica-outage', 'outage-1');
    await expect.poll(async () => reads().route('replica-outage'), { timeout: 30_000 }).toBe('replica');
    await replica.stop();
    // Whether or not the router noticed yet (a read that fails on the replica is run on the primary), the history is whole.
    expect(await history('replica-outage')).toEqual([id]);
    await expect.poll(async () => (await reads().check()).healthy, { timeout: 30_000 }).toBe(false);
    expect(await reads().route('replica-outage')).toBe('primary');
    expect(await history('replica-outage')).toEqual([id]);
    await replica.start();
    await expect.poll(async () => (await reads().check()).healthy, { timeout: 60_000 }).toBe(true);
    expect(await history('replica-outage')).toEqual([id]);
  });
});
