/**
 * One slow dependency degrades a request instead of failing it or making it wait: with the
 * product subgraph frozen (a proxy that accepts connections and never answers, as a SIGSTOPped
 * process would), a cart view answers within the query budget, from the caller's last good
 * answer marked `extensions.stale` or with an error naming product; a checkout fails cleanly
 * with SERVICE_UNAVAILABLE (nothing charged, nothing held); the gateway's breaker for product
 * opens and then closes, visible in `/metrics`; and everything recovers once product answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartViewDocument, CheckoutDocument } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, setPrice, sql, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let product: FixtureProduct;

const QUERY_BUDGET_MS = 700;
const FULL_TIMEOUT_MS = 8_000;
const ADDRESS = { name: 'Tan Wei Ling', line1: '1 Raffles Place', city: 'Singapore', postalCode: '048616', country: 'SG' };

beforeAll(async () => {
  stack = await startStack({
    productProxy: true,
    env: {
      SUBGRAPH_QUERY_TIMEOUT_MS: String(QUERY_BUDGET_MS),
      SUBGRAPH_TIMEOUT_MS: String(FULL_TIMEOUT_MS),
      INTERNAL_CALL_TIMEOUT_MS: String(QUERY_BUDGET_MS),
      CIRCUIT_FAILURES: '2',
      CIRCUIT_OPEN_MS: '1000',
      CHECKOUT_RECOVERY_INTERVAL_MS: '0',
      RESERVATION_SWEEP_INTERVAL_MS: '0',
      CART_ABANDONED_SCAN_INTERVAL_MS: '0',
    },
  });
  product = await createProduct(stack, { price: '9.90', stock: 30 });
});
afterAll(async () => {
  stack?.productProxy?.thaw();
  await stack?.stop();
});

/** The gateway's breaker state for a subgraph, from its /metrics (0 closed, 1 half-open, 2 open). */
async function circuitState(subgraph: string): Promise<number | undefined> {
  const text = await (await fetch(new URL('/metrics', stack.gateway.url))).text();
  const line = text.split('\n').find((l) => l.startsWith('dependency_circuit_state{') && l.includes(`dependency="${subgraph}"`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

describe('with the product subgraph frozen', () => {
  it('a cart view answers from the last good answer marked stale, or with an error naming product, well before the full timeout; both recover, and the breaker opens and closes', async () => {
    const seen = 'degraded-viewer';
    const unseen = 'degraded-newcomer';
    for (const user of [seen, unseen]) await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, { user });
    const good = await stack.request(CartViewDocument, {}, { user: seen });
    expect(good.errors).toBeUndefined();
    // A price change makes the cached view stale: the next view must ask the subgraphs again.
    await setPrice(stack, product.id, '9.50');

    stack.productProxy!.freeze();
    try {
      const stale = await timed(() => stack.request(CartViewDocument, {}, { user: seen }));
      expect(stale.ms).toBeLessThan(FULL_TIMEOUT_MS / 2);
      expect(stale.value.errors).toBeUndefined();
      expect(stale.value.data).toEqual(good.data);
      expect((stale.value as { extensions?: unknown }).extensions).toMatchObject({ stale: { services: ['product'], ageSeconds: expect.any(Number) } });

      const missing = await timed(() => stack.request(CartViewDocument, {}, { user: unseen }));
      expect(missing.ms).toBeLessThan(FULL_TIMEOUT_MS / 2);
      expect(missing.value.status).toBe(200);
      const codes = (missing.value.errors ?? []).map((e) => [e.extensions?.code, e.extensions?.service]);
      expect(codes.length).toBeGreaterThan(0);
      expect(new Set(codes.map((c) => c.join(':')))).toEqual(new Set(['SERVICE_UNAVAILABLE:product']));

      // Two unanswered fetches in a row opened the gateway's circuit to product: views now fail over at once.
      expect(await circuitState('product')).toBe(2);
      expect(await circuitState('cart')).toBe(0);
    } finally {
      stack.productProxy!.thaw();
    }

    // Recovers by itself: the half-open probe succeeds, the circuit closes, views are whole and fresh.
    await expect
      .poll(async () => {
        const view = await stack.request(CartViewDocument, {}, { user: unseen });
        return view.errors === undefined && (view as { extensions?: { stale?: unknown } }).extensions?.stale === undefined;
      }, { timeout: 15_000, interval: 300 })
      .toBe(true);
    expect(await circuitState('product')).toBe(0);
    const fresh = await stack.request(CartViewDocument, {}, { user: seen });
    expect(fresh.errors).toBeUndefined();
    expect((fresh as { extensions?: { stale?: unknown } }).extensions?.stale).toBeUndefined();
  });

  it('addCartLine accepts a line against the last known stock and says so (stockUnverified); a product never seen is SERVICE_UNAVAILABLE naming product', async () => {
    const user = 'degraded-adder';
    const unseen = await createProduct(stack, { price: '4.00', stock: 5 });
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, { user });
    const add = (productId: string) =>
      stack.request<{ addCartLine: { __typename: string; stockUnverified?: boolean; lines?: { quantity: number }[] } }>(
        `mutation Add($input: AddCartLineInput!) { addCartLine(input: $input) { __typename ... on Cart { stockUnverified lines { quantity } } ... on UserError { code } } }`,
        { input: { productId, quantity: 1 } },
        { user },
      );
    stack.productProxy!.freeze();
    try {
      const accepted = await add(product.id);
      expect(accepted.errors).toBeUndefined();
      expect(accepted.data?.addCartLine).toEqual({ __typename: 'Cart', stockUnverified: true, lines: [{ quantity: 2 }] });
      const refused = await add(unseen.id);
      expect(refused.errors?.map((e) => [e.extensions?.code, e.extensions?.service])).toEqual([['SERVICE_UNAVAILABLE', 'product']]);
    } finally {
      stack.productProxy!.thaw();
    }
    // Back to normal: verified against product again.
    await expect.poll(async () => (await add(unseen.id)).data?.addCartLine?.stockUnverified, { timeout: 15_000, interval: 300 }).toBe(false);
  });

  it('a checkout fails cleanly with SERVICE_UNAVAILABLE and a retry hint, charging and holding nothing, and the same key completes once product is back', async () => {
    const user = 'degraded-buyer';
    const cart = expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 2 } }, { user })).addCartLine, 'Cart');
    const input = { idempotencyKey: 'degraded-checkout', expectedCartVersion: cart.version, shippingAddress: ADDRESS, paymentToken: 'tok_ok' };
    const [before] = await sql<{ reserved: number }>(stack.db.url, `SELECT reserved FROM catalog."Inventory" WHERE "productId" = $1`, [product.id]);

    stack.productProxy!.freeze();
    let failed;
    try {
      failed = await timed(() => stack.request(CheckoutDocument, { input }, { user }));
    } finally {
      stack.productProxy!.thaw();
    }
    expect(failed.ms).toBeLessThan(FULL_TIMEOUT_MS);
    expect(failed.value.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(failed.value.errors?.[0]?.extensions?.retryAfterSeconds).toEqual(expect.any(Number));
    const payments = await sql(stack.db.url, `SELECT p.kind FROM orders."Payment" p JOIN orders."Checkout" c ON c.id = p."checkoutId" WHERE c."userId" = $1`, [user]);
    expect(payments).toEqual([]);
    // Nothing held once the saga has compensated (a reservation that reached product while frozen is released).
    await expect.poll(async () => (await sql<{ reserved: number }>(stack.db.url, `SELECT reserved FROM catalog."Inventory" WHERE "productId" = $1`, [product.id]))[0]!.reserved, { timeout: 10_000 }).toBe(before!.reserved);

    await expect
      .poll(async () => (await stack.request(CheckoutDocument, { input }, { user })).data?.checkout?.__typename, { timeout: 15_000, interval: 500 })
      .toBe('Order');
    const orders = await sql(stack.db.url, `SELECT id FROM orders."Order" WHERE "userId" = $1`, [user]);
    expect(orders).toHaveLength(1);
  });
});
