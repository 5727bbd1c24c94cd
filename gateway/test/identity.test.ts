import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartDocument, ProductsDocument } from '@platform/client';
import { signIdentity, signUserToken, type Identity } from '@platform/auth';
import { startStack, TEST_INTERNAL_SECRET, type TestStack } from '@platform/e2e/support';

let stack: TestStack;
let productId: string;
beforeAll(async () => {
  stack = await startStack();
  const { products } = await stack.data(ProductsDocument, { first: 1 });
  productId = products.edges[0]!.node.id;
});
afterAll(() => stack?.stop());

const codes = (errors: { extensions?: Record<string, unknown> }[] | undefined) => errors?.map((e) => e.extensions?.code);

describe('identity at the gateway', () => {
  it('a cart read without identity is UNAUTHENTICATED', async () => {
    const result = await stack.request(CartDocument, {});
    expect(codes(result.errors)).toEqual(['UNAUTHENTICATED']);
    expect(result.data?.cart ?? null).toBeNull();
  });

  it('products are public', async () => {
    const { products } = await stack.data(ProductsDocument, { first: 1 });
    expect(products.totalCount).toBeGreaterThanOrEqual(1000);
  });

  it('an expired JWT is refused with 401 UNAUTHENTICATED, even for public data', async () => {
    const expired = await signUserToken(stack.env.AUTH_JWT_SECRET!, { userId: 'bob', expiresInSeconds: 60, now: new Date(Date.now() - 3_600_000) });
    const result = await stack.request(ProductsDocument, { first: 1 }, { headers: { authorization: `Bearer ${expired}` } });
    expect(result.status).toBe(401);
    expect(codes(result.errors)).toEqual(['UNAUTHENTICATED']);
    expect(result.errors?.[0]?.message).toMatch(/expired/i);
  });

  it('a JWT signed with another secret is refused', async () => {
    const forged = await signUserToken('someone-elses-secret-0123456789-0123456789', { userId: 'mallory' });
    const result = await stack.request(CartDocument, {}, { headers: { authorization: `Bearer ${forged}` } });
    expect(result.status).toBe(401);
    expect(codes(result.errors)).toEqual(['UNAUTHENTICATED']);
  });

  it('a guest token is not accepted as a user JWT', async () => {
    const guest = await stack.guestToken();
    const result = await stack.request(CartDocument, {}, { headers: { authorization: `Bearer ${guest}` } });
    expect(result.status).toBe(401);
  });
});

describe('guest sessions', () => {
  it('a guest gets a cart of its own that no other guest sees', async () => {
    const guest = await stack.guestToken();
    const added = await stack.data(AddCartLineDocument, { input: { productId, quantity: 3 } }, { guest });
    expect(added.addCartLine).toMatchObject({ __typename: 'Cart', ownerType: 'GUEST', totalQuantity: 3 });

    const own = await stack.data(CartDocument, {}, { guest });
    expect(own.cart?.lines.map((l) => [l.product.id, l.quantity])).toEqual([[productId, 3]]);

    const other = await stack.data(CartDocument, {}, { guest: await stack.guestToken() });
    expect(other.cart).toBeNull();
  });

  it('a tampered guest token is refused', async () => {
    const guest = await stack.guestToken();
    const tampered = guest.slice(0, -2) + (guest.endsWith('AA') ? 'BB' : 'AA');
    const result = await stack.request(CartDocument, {}, { guest: tampered });
    expect(result.status).toBe(401);
    expect(codes(result.errors)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('subgraphs trust only the gateway', () => {
  const cartQuery = JSON.stringify({ query: '{ cart { id } }' });
  const post = (headers: Record<string, string>) =>
    fetch(stack.subgraphs.cart.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: cartQuery });
  /** Signed as the gateway signs its request to the cart subgraph. */
  const signed = (who: Identity, secret = TEST_INTERNAL_SECRET, now?: number) => signIdentity(who, secret, { method: 'POST', path: '/graphql', body: cartQuery }, now);
  const identity = { kind: 'user' as const, userId: 'victim', role: 'customer' as const, expiresAt: Date.now() + 60_000 };

  it('rejects a request without the platform signature', async () => {
    const response = await post({ 'x-platform-identity': Buffer.from(JSON.stringify({ ...identity, iat: Date.now() })).toString('base64url') });
    expect(response.status).toBe(401);
    expect((await response.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('rejects an identity signed with the wrong secret', async () => {
    const response = await post(signed(identity, 'not-the-internal-secret-0123456789-0123456789'));
    expect(response.status).toBe(401);
  });

  it('rejects a correctly signed identity whose payload was swapped', async () => {
    const genuine = signed({ ...identity, userId: 'mallory' });
    const swapped = { ...genuine, 'x-platform-identity': signed(identity)['x-platform-identity']! };
    expect((await post(swapped)).status).toBe(401);
  });

  it('rejects a stale signature (replay)', async () => {
    const response = await post(signed(identity, TEST_INTERNAL_SECRET, Date.now() - 10 * 60_000));
    expect(response.status).toBe(401);
  });

  it('accepts the same request when the gateway signed it', async () => {
    const response = await post(signed(identity));
    expect(response.status).toBe(200);
    expect((await response.json()).data).toEqual({ cart: null });
  });

  it('internal operations refuse a user identity and unsigned calls', async () => {
    const body = JSON.stringify({ productIds: [productId] });
    const call = (headers: Record<string, string>) => fetch(new URL('/internal/availability', stack.subgraphs.product.url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const as = (who: Identity) => signIdentity(who, TEST_INTERNAL_SECRET, { method: 'POST', path: '/internal/availability', body });
    expect((await call({})).status).toBe(401);
    expect((await call(as(identity))).status).toBe(403);
    const ok = await call(as({ kind: 'service', service: 'cart' }));
    expect(ok.status).toBe(200);
    expect((await ok.json()).items[0]).toMatchObject({ productId, exists: true });
  });
});

describe('health and readiness', () => {
  it('/health answers and /ready reports Postgres and Redis', async () => {
    const base = new URL(stack.url);
    expect((await fetch(new URL('/health', base))).status).toBe(200);
    const ready = await fetch(new URL('/ready', base));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { postgres: 'up', redis: 'up', cart: 'up', product: 'up', pricing: 'up', order: 'up' } });
  });

  it('/metrics serves Prometheus text', async () => {
    const metrics = await fetch(new URL('/metrics', new URL(stack.url)));
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await metrics.text()).toMatch(/http_request_duration_seconds_bucket\{.*service="gateway"/);
  });
});

describe('error masking', () => {
  it('a variable a subgraph refuses (a malformed Decimal) is BAD_USER_INPUT with its reason, not a masked error', async () => {
    const result = await stack.request('mutation ($id: ID!, $amount: Decimal!) { setPrice(productId: $id, amount: $amount) { id } }', { id: productId, amount: 'abc' }, { user: 'ops', role: 'admin' });
    expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toMatch(/Decimal/);
  });

  // Runs last: it stops the pricing subgraph.
  it('a subgraph that does not answer reaches the client as SERVICE_UNAVAILABLE naming it, with a retry hint and no internals', async () => {
    await stack.subgraphs.pricing.stop();
    // A page no earlier test asked for: the response cache would rightly answer a repeated one without pricing.
    const result = await stack.request(ProductsDocument, { first: 7 });
    const text = JSON.stringify(result.errors);
    expect(result.errors?.map((e) => e.extensions)).toContainEqual({ code: 'SERVICE_UNAVAILABLE', service: 'pricing', retryAfterSeconds: 1 });
    expect(codes(result.errors)).not.toContain('INTERNAL_SERVER_ERROR');
    expect(text).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|stack|at \w+ \(/i);
    const ready = await fetch(new URL('/ready', new URL(stack.url)));
    expect(ready.status).toBe(503);
  });
});
