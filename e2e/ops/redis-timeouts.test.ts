/**
 * Redis that stops answering (every service's Redis behind a proxy that freezes: connections
 * stay up, bytes are held, as with a stalled or SIGSTOPped Redis) is a set of command timeouts,
 * not a failure: a cart view still answers, from Postgres, and every service that sent a command
 * counts it in `redis_command_timeouts_total{command}`, which all five export from the start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartViewDocument } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let product: FixtureProduct;
const user = 'redis-timeout-shopper';

beforeAll(async () => {
  stack = await startStack({ redisProxy: true, env: { REDIS_COMMAND_TIMEOUT_MS: '100', CART_ABANDONED_SCAN_INTERVAL_MS: '0', CHECKOUT_RECOVERY_INTERVAL_MS: '0' } });
  product = await createProduct(stack, { price: '4.20', stock: 10 });
  expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 2 } }, { user })).addCartLine, 'Cart');
  await stack.data(CartViewDocument, {}, { user });
});
afterAll(async () => {
  await stack?.stop();
});

const services = () => ({
  gateway: stack.gateway.url,
  ...Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, `http://127.0.0.1:${s.port}/graphql`])),
});

/** Each service's `/metrics`: whether it declares the counter, and its total over commands. */
async function timeoutsByService(): Promise<Record<string, { declared: boolean; total: number }>> {
  const out: Record<string, { declared: boolean; total: number }> = {};
  for (const [name, url] of Object.entries(services())) {
    const text = await (await fetch(new URL('/metrics', url))).text();
    const samples = text.split('\n').filter((l) => l.startsWith('redis_command_timeouts_total{'));
    out[name] = { declared: text.includes('# TYPE redis_command_timeouts_total counter'), total: samples.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0) };
  }
  return out;
}

describe('Redis command timeouts', () => {
  it('are counted by every service that sent a command, while a cart view still answers from Postgres', async () => {
    const before = await timeoutsByService();
    expect(Object.values(before).every((s) => s.declared)).toBe(true);
    expect(Object.keys(before).sort()).toEqual(['cart', 'gateway', 'order', 'pricing', 'product']);

    stack.redisProxy!.freeze();
    try {
      const { cart } = await stack.data(CartViewDocument, {}, { user });
      expect(cart?.lines.map((l) => ({ quantity: l.quantity, name: l.product?.name, price: l.product?.price?.amount }))).toEqual([{ quantity: 2, name: product.name, price: '4.20' }]);
      const after = await timeoutsByService();
      // The gateway (response cache, rate limit), the cart (its cart view cache), product and
      // pricing (their entity caches) each waited on Redis at least once for this view.
      for (const name of ['gateway', 'cart', 'product', 'pricing']) expect({ name, more: after[name]!.total > before[name]!.total }).toEqual({ name, more: true });
    } finally {
      // Redis "comes back" as a restarted one would: held connections dropped, then reconnected.
      await stack.redisProxy!.down();
      stack.redisProxy!.thaw();
      await stack.redisProxy!.up();
    }
    // ... and the services use it again by themselves: a view that waits on Redis no more.
    const total = async () => Object.values(await timeoutsByService()).reduce((sum, s) => sum + s.total, 0);
    await expect
      .poll(async () => {
        const before = await total();
        const { cart } = await stack.data(CartViewDocument, {}, { user });
        return { lines: cart?.lines.length, newTimeouts: (await total()) - before };
      }, { timeout: 10_000, interval: 250 })
      .toEqual({ lines: 1, newTimeouts: 0 });
  });
});
