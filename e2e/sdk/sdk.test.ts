/**
 * The partner SDK (from source) against the whole running platform: typed methods and union
 * results, idempotency keys kept across retries, persisted queries, live cart sync with
 * reconnect and catch-up, and retries against a real rate limit (a second gateway instance with
 * a low one) and a real outage (a TCP proxy in front of the gateway). The SDK's own build is
 * tested from a packed tarball in pack.test.ts.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCartClient, CartApiError, CartNetworkError, type CartClient, type CartEvent, type CartUpdate, type RetryInfo } from '@cart-platform/sdk';
import type { RunningGateway } from '@platform/gateway';
import { startExtraGateway, startStack, waitForLiveSubscriptions, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, startTcpProxy, waitUntil, type FixtureProduct, type TcpProxy } from '@platform/testing';

let stack: TestStack;
/** The same platform behind a gateway that allows 3 requests per caller per second. */
let limited: RunningGateway;
/** A proxy in front of the stack's gateway that the tests take down. */
let proxy: TcpProxy;
let product: FixtureProduct;
let other: FixtureProduct;
const open: { unsubscribe(): Promise<void> }[] = [];

beforeAll(async () => {
  stack = await startStack();
  limited = await startExtraGateway(stack, { RATE_LIMIT_POINTS: '3', RATE_LIMIT_WINDOW_SECONDS: '1' });
  proxy = await startTcpProxy({ host: '127.0.0.1', port: stack.gateway.port });
  [product, other] = await Promise.all([createProduct(stack, { price: '12.50', stock: 1_000 }), createProduct(stack, { price: '3.20', stock: 1_000 })]);
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.unsubscribe()));
  await proxy?.close();
  await limited?.stop();
  await stack?.stop();
});

let users = 0;
const newUser = () => `sdk-user-${process.pid}-${++users}`;
async function userClient(user: string, extra: Partial<Parameters<typeof createCartClient>[0]> = {}): Promise<CartClient> {
  return createCartClient({ url: stack.url, token: await stack.userToken(user), ...extra });
}

/** A fetch that records every body it sends, and can fail chosen attempts after the server answered. */
function recordingFetch(options: { loseAnswerOf?: (attempt: number) => boolean } = {}) {
  const sent: Record<string, unknown>[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    sent.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
    const response = await fetch(input, init);
    await response.clone().text();
    // The server has done the work; the answer is lost on the way back, as on a dropped connection.
    if (options.loseAnswerOf?.(sent.length)) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    return response;
  };
  return { sent, fetchImpl };
}

describe('typed methods', () => {
  it('a guest starts a session, browses, adds a line and reads the cart: typed data, Cart as the union member', async () => {
    const anonymous = createCartClient({ url: stack.url });
    const { startGuestSession } = await anonymous.startGuestSession();
    const { products } = await anonymous.storeProducts({ filter: { search: product.name }, first: 5 });
    expect(products.edges.map((e) => e.node.id)).toContain(product.id);

    const guest = createCartClient({ url: stack.url, guestToken: startGuestSession.token });
    const added = expectType((await guest.addCartLine({ input: { productId: product.id, quantity: 2 } })).addCartLine, 'Cart');
    expect(added.lines.map((l) => [l.product.name, l.quantity, l.unitPrice.amount])).toEqual([[product.name, 2, '12.50']]);
    const { cart } = await guest.liveCart();
    expect(cart?.cost.subtotal.amount).toBe('25.00');
    expect(cart?.lines[0]?.priceChanged).toBe(false);
  });

  it('an expected failure is a typed union member; an exceptional one throws CartApiError with its code', async () => {
    const client = await userClient(newUser());
    const invalid = (await client.addCartLine({ input: { productId: product.id, quantity: 1000 } })).addCartLine;
    expect(invalid.__typename).toBe('InvalidQuantity');
    const anonymous = createCartClient({ url: stack.url });
    const failure = await anonymous.addCartLine({ input: { productId: product.id, quantity: 1 } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CartApiError);
    expect((failure as CartApiError).code).toBe('UNAUTHENTICATED');
  });
});

describe('idempotency keys and retries', () => {
  it('a mutation whose answer is lost is retried with the same generated key and applied once', async () => {
    const user = newUser();
    const { sent, fetchImpl } = recordingFetch({ loseAnswerOf: (attempt) => attempt === 1 });
    const client = await userClient(user, { fetch: fetchImpl, persistedQueries: false, retry: { baseDelayMs: 10 } });
    const result = expectType((await client.addCartLine({ input: { productId: other.id, quantity: 3 } })).addCartLine, 'Cart');

    const keys = sent.map((body) => (body.variables as { input: { idempotencyKey?: string } }).input.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(keys[1]).toBe(keys[0]);
    // Applied once: 3, not 6, and one version step.
    expect(result.lines.map((l) => l.quantity)).toEqual([3]);
    expect(result.version).toBe(1);
  });

  it('checkout gets an idempotency key without the caller making one', async () => {
    const client = await userClient(newUser());
    const cart = expectType((await client.addCartLine({ input: { productId: product.id, quantity: 1 } })).addCartLine, 'Cart');
    const address = { name: 'Ana Lim', line1: '1 Marina Way', city: 'Singapore', postalCode: '018989', country: 'SG' };
    const order = expectType((await client.checkout({ input: { expectedCartVersion: cart.version, shippingAddress: address, paymentToken: 'tok_ok' } })).checkout, 'Order');
    expect(order.lines.map((l) => l.name)).toEqual([product.name]);
  });
});

describe('persisted queries', () => {
  const shapesOf = (sent: Record<string, unknown>[]) =>
    sent.map((body) => ({ query: 'query' in body, hash: (body.extensions as { persistedQuery?: { sha256Hash: string } } | undefined)?.persistedQuery?.sha256Hash.length }));

  it('sends only the hash of an operation the gateway has registered, every time', async () => {
    const { sent, fetchImpl } = recordingFetch();
    const client = createCartClient({ url: stack.url, fetch: fetchImpl });
    const first = await client.categories();
    const second = await client.categories();
    expect(second).toEqual(first);
    expect(first.categories.length).toBeGreaterThan(0);
    expect(shapesOf(sent)).toEqual([
      { query: false, hash: 64 },
      { query: false, hash: 64 },
    ]);
    expect(client.transport.persistedQueries).toBe(true);
  });

  it('works against a gateway that runs registered operations only (every SDK method is in its manifest)', async () => {
    const strict = await startExtraGateway(stack, { PERSISTED_OPERATIONS_ONLY: 'true' });
    try {
      const { sent, fetchImpl } = recordingFetch();
      const client = createCartClient({ url: strict.url, token: await stack.userToken(newUser()), fetch: fetchImpl });
      expectType((await client.addCartLine({ input: { productId: product.id, quantity: 2 } })).addCartLine, 'Cart');
      expect((await client.cart()).cart?.totalQuantity).toBe(2);
      expect(shapesOf(sent).every((s) => !s.query && s.hash === 64)).toBe(true);
    } finally {
      await strict.stop();
    }
  });

  it('sends the hash alone, registers the query on PERSISTED_QUERY_NOT_FOUND, then runs on the hash alone', async () => {
    const { sent, fetchImpl } = recordingFetch();
    const client = createCartClient({ url: stack.url, fetch: fetchImpl });
    // A document the gateway's manifest does not hold (a newer SDK than the gateway, say).
    const query = `query SdkUnregistered${process.pid} { categories { id name } }`;
    const spec = { name: `SdkUnregistered${process.pid}`, kind: 'query' as const, query, sha256: createHash('sha256').update(query).digest('hex'), keyedInput: false, hasRequiredVariables: false };
    const first = await client.transport.send(spec, {});
    const second = await client.transport.send(spec, {});
    expect(first.errors).toBeUndefined();
    expect(second.data).toEqual(first.data);
    expect(shapesOf(sent)).toEqual([
      { query: false, hash: 64 },
      { query: true, hash: 64 },
      { query: false, hash: 64 },
    ]);
  });
});

describe('subscribeToCart', () => {
  it('a second device of the same user sees the first one’s change within 1 s, with names and cost', async () => {
    const user = newUser();
    const [phone, laptop] = await Promise.all([userClient(user), userClient(user)]);
    const seen: CartUpdate[] = [];
    const live = phone.subscribeToCart((update) => seen.push(update));
    open.push(live);
    await live.ready;
    await waitForLiveSubscriptions(stack.gateway, { user });

    await laptop.addCartLine({ input: { productId: product.id, quantity: 2 } });
    // Within 1 s of the laptop's change being acknowledged.
    await waitUntil(() => seen.some((u) => u.source === 'live' && u.cart?.lines.length === 1), 'a live update with one line', 1_000);
    const update = seen.find((u) => u.source === 'live')!;
    expect(update.type).toBe('LINE_ADDED');
    expect(update.cart?.lines.map((l) => [l.product.name, l.quantity])).toEqual([[product.name, 2]]);
    expect(update.cart?.cost.total.amount).toMatch(/^\d+\.\d{2}$/);
  });

  it('after the socket drops, changes made meanwhile arrive as missed events and the newest cart, and versions never go back', async () => {
    const user = newUser();
    const socketProxy: TcpProxy = await startTcpProxy({ host: '127.0.0.1', port: stack.gateway.port });
    let stop: (() => Promise<void>) | undefined;
    try {
      const [device, other_] = await Promise.all([userClient(user, { wsUrl: socketProxy.url('ws', '/graphql') }), userClient(user)]);
      await other_.addCartLine({ input: { productId: product.id, quantity: 1 } });
      const seen: CartUpdate[] = [];
      const missed: CartEvent[] = [];
      const statuses: string[] = [];
      const live = device.subscribeToCart((update) => seen.push(update), { onEvents: (events) => missed.push(...events), onStatus: (s) => statuses.push(s) });
      stop = live.unsubscribe;
      await live.ready;
      expect(live.cart?.version).toBe(1);

      await socketProxy.down();
      await waitUntil(() => statuses.includes('reconnecting'), () => `the device to notice the drop (statuses ${statuses.join(', ')})`, 5_000);
      await other_.updateCartLine({ input: { lineId: live.cart!.lines[0]!.id, quantity: 4 } });
      await other_.addCartLine({ input: { productId: other.id, quantity: 2 } });
      await socketProxy.up();

      await waitUntil(() => live.cart?.version === 3, () => `the device to catch up to version 3 (at ${live.cart?.version})`, 10_000);
      expect(missed.map((e) => [e.version, e.type])).toEqual([
        [2, 'LINE_UPDATED'],
        [3, 'LINE_ADDED'],
      ]);
      expect(live.cart?.lines.map((l) => [l.product.name, l.quantity])).toEqual([
        [product.name, 4],
        [other.name, 2],
      ]);
      const versions = seen.map((u) => u.cart?.version ?? 0);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(new Set(versions).size).toBe(versions.length);
    } finally {
      await stop?.();
      await socketProxy.close();
    }
  });

  it('under 8 concurrent changes from another device, the shown versions only go up and end at the server’s', async () => {
    const user = newUser();
    const [device, writer] = await Promise.all([userClient(user), userClient(user)]);
    const shown: number[] = [];
    const live = device.subscribeToCart((update) => update.cart && shown.push(update.cart.version));
    open.push(live);
    await live.ready;
    await Promise.all(Array.from({ length: 8 }, (_, i) => writer.addCartLine({ input: { productId: i % 2 ? product.id : other.id, quantity: 1 } })));
    const { cart } = await writer.liveCart();
    expect(cart?.version).toBe(8);
    await waitUntil(() => shown.at(-1) === 8, () => `the device to show version 8 (shown ${shown.join(',')})`, 5_000);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    expect(new Set(shown).size).toBe(shown.length);
  });
});

describe('retries', () => {
  it('over the rate limit, calls wait what Retry-After asks and then succeed', async () => {
    const retries: RetryInfo[] = [];
    const client = createCartClient({ url: limited.url, token: await stack.userToken('burst'), persistedQueries: false, onRetry: (info) => retries.push(info) });
    const started = Date.now();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await client.categories());
    expect(results.map((r) => r.categories.length > 0)).toEqual([true, true, true, true, true]);
    // 3 points a second: the 4th call met a 429 and waited for the next window.
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries.map((r) => r.reason)).toEqual(retries.map(() => 'rate-limited'));
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('a query during a network outage is retried with backoff until the gateway is reachable again', async () => {
    const retries: RetryInfo[] = [];
    const client = createCartClient({
      url: proxy.url('http', '/graphql'),
      retry: { attempts: 6, baseDelayMs: 100 },
      onRetry: (info) => {
        retries.push(info);
        if (retries.length === 2) void proxy.up();
      },
    });
    await proxy.down();
    const { categories } = await client.categories();
    expect(categories.length).toBeGreaterThan(0);
    expect(retries.map((r) => [r.retry, r.reason])).toEqual([
      [1, 'network'],
      [2, 'network'],
    ]);
  });

  it('a mutation without an idempotency key is not repeated after a network error, and the error says so', async () => {
    const client = createCartClient({ url: proxy.url('http', '/graphql'), token: await stack.userToken('sharer'), retry: { baseDelayMs: 10 } });
    await proxy.down();
    try {
      const failure = await client.shareCart().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CartNetworkError);
      expect((failure as CartNetworkError).attempts).toBe(1);
      expect((failure as Error).message).toMatch(/^ShareCart: network error/);
    } finally {
      await proxy.up();
    }
  });
});
