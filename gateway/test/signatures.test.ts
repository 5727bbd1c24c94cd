/**
 * Signatures bind the request: the identity the gateway forwards, and every internal call, is
 * signed over the method, the path, a hash of the body and a timestamp, so headers captured off
 * the wire are worth nothing on another request, only for seconds on the same one, and never
 * twice for an internal write.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_AGE_MS, signIdentity, type Identity } from '@platform/auth';
import { startStack, TEST_INTERNAL_SECRET, type TestStack } from '@platform/e2e/support';
import { createProduct, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let product: FixtureProduct;
beforeAll(async () => {
  stack = await startStack();
  product = await createProduct(stack, { price: '2.00', stock: 100 });
});
afterAll(() => stack?.stop());

const service: Identity = { kind: 'service', service: 'order' };
const sign = (who: Identity, path: string, body: string, now?: number) => signIdentity(who, TEST_INTERNAL_SECRET, { method: 'POST', path, body }, now);
const send = (base: string, path: string, body: string, headers: Record<string, string>) =>
  fetch(new URL(path, base), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then((r) => r.status);

/** Every internal operation of the platform, each with a well-formed body. */
function internalCalls(): { subgraph: 'cart' | 'product' | 'pricing'; op: string; body: unknown }[] {
  const checkoutKey = `sig-${randomUUID()}`;
  return [
    { subgraph: 'cart', op: 'cartForCheckout', body: { userId: 'sig-user' } },
    { subgraph: 'cart', op: 'markCheckedOut', body: { userId: 'sig-user', expectedVersion: 0, checkoutId: randomUUID() } },
    { subgraph: 'product', op: 'availability', body: { productIds: [product.id] } },
    { subgraph: 'product', op: 'products', body: { productIds: [product.id] } },
    { subgraph: 'product', op: 'reserve', body: { checkoutKey, lines: [{ productId: product.id, quantity: 1 }] } },
    { subgraph: 'product', op: 'consume', body: { checkoutKey } },
    { subgraph: 'product', op: 'release', body: { checkoutKey } },
    { subgraph: 'product', op: 'restock', body: { checkoutKey } },
    { subgraph: 'pricing', op: 'prices', body: { productIds: [product.id] } },
    { subgraph: 'pricing', op: 'validateCoupon', body: { code: 'WELCOME10' } },
    { subgraph: 'pricing', op: 'countries', body: {} },
    { subgraph: 'pricing', op: 'validateCountry', body: { country: 'SG' } },
    { subgraph: 'pricing', op: 'quote', body: { lines: [{ productId: product.id, quantity: 1, unitPrice: '2.00' }], couponCodes: [] } },
    { subgraph: 'pricing', op: 'redeemCoupons', body: { checkoutKey, codes: [], subtotal: '2.00' } },
    { subgraph: 'pricing', op: 'reverseRedemptions', body: { checkoutKey } },
  ];
}

describe('internal calls', () => {
  it('refuse a captured signature on a modified body or another path, at every internal operation', async () => {
    const refused = [];
    for (const { subgraph, op, body } of internalCalls()) {
      const base = stack.subgraphs[subgraph].url;
      const text = JSON.stringify(body);
      const captured = sign(service, `/internal/${op}`, text);
      const tampered = JSON.stringify({ ...(body as object), tampered: true });
      refused.push({ op, modifiedBody: await send(base, `/internal/${op}`, tampered, captured), otherPath: await send(base, op === 'availability' ? '/internal/products' : '/internal/availability', text, captured) });
    }
    expect(refused).toEqual(internalCalls().map(({ op }) => ({ op, modifiedBody: 401, otherPath: 401 })));
  });

  it('accept each signed request once for a write, and refuse its replay', async () => {
    const body = JSON.stringify({ checkoutKey: `sig-replay-${randomUUID()}`, lines: [{ productId: product.id, quantity: 1 }] });
    const captured = sign(service, '/internal/reserve', body);
    const base = stack.subgraphs.product.url;
    expect(await send(base, '/internal/reserve', body, captured)).toBe(200);
    expect(await send(base, '/internal/reserve', body, captured)).toBe(401);
    // A fresh signature for the same call is a retry, and the write is idempotent.
    expect(await send(base, '/internal/reserve', body, sign(service, '/internal/reserve', body))).toBe(200);
  });

  it('refuse a signature older than the window', async () => {
    const body = JSON.stringify({ productIds: [product.id] });
    expect(await send(stack.subgraphs.product.url, '/internal/availability', body, sign(service, '/internal/availability', body, Date.now() - MAX_AGE_MS - 2_000))).toBe(401);
  });
});

describe('the identity the gateway forwards', () => {
  it('is refused on a different query than the one it was signed for', async () => {
    const user: Identity = { kind: 'user', userId: 'sig-victim', role: 'customer', expiresAt: Date.now() + 60_000 };
    const signedFor = JSON.stringify({ query: '{ cart { id } }' });
    const captured = sign(user, '/graphql', signedFor);
    expect(await send(stack.subgraphs.cart.url, '/graphql', signedFor, captured)).toBe(200);
    expect(await send(stack.subgraphs.cart.url, '/graphql', JSON.stringify({ query: '{ cartEvents { version type } }' }), captured)).toBe(401);
    expect(await send(stack.subgraphs.order.url, '/graphql', JSON.stringify({ query: '{ orders { totalCount } }' }), captured)).toBe(401);
  });
});
