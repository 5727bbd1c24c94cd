/**
 * One request is one trace: a cart view and a checkout sent with a client's `traceparent` are
 * each exported (to an OTLP/HTTP receiver inside the test) as a single trace in which the
 * gateway's server span is the ancestor of every subgraph fetch, internal call, SQL statement
 * and Redis command (and the relay's later publish of the order's event to the stream), and a log line written while serving it carries the same `trace_id`.
 *
 * Tracing patches libraries as they load, so it starts before the stack's modules are imported
 * (the dynamic import below), as the services' entry points do.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { print } from 'graphql';
import { AddCartLineDocument, CartViewDocument, CheckoutDocument } from '@platform/client';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '@platform/e2e/support/otlp';
import { startTelemetry, stopTelemetry, type Telemetry } from '@platform/telemetry';
import type { TestStack } from '@platform/e2e/support';
import { createProduct, expectType, type FixtureProduct } from '@platform/testing';

let receiver: OtlpReceiver;
let telemetry: Telemetry;
let stack: TestStack;
let product: FixtureProduct;
const logs: Record<string, unknown>[] = [];

const ADDRESS = { name: 'Tan Wei Ling', line1: '1 Raffles Place', city: 'Singapore', postalCode: '048616', country: 'SG' };

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  telemetry = (await startTelemetry('platform-test', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER_ARG: '1', OTEL_BSP_SCHEDULE_DELAY: '100' }))!;
  const { startStack } = await import('@platform/e2e/support');
  stack = await startStack({
    env: { LOG_LEVEL: 'debug', CART_ABANDONED_SCAN_INTERVAL_MS: '0', CHECKOUT_RECOVERY_INTERVAL_MS: '0' },
    logs: (line) => void logs.push(JSON.parse(line) as Record<string, unknown>),
  });
  product = await createProduct(stack, { price: '12.50', stock: 20 });
});
afterAll(async () => {
  await stack?.stop();
  await stopTelemetry();
  await receiver?.close();
});

/** Sends one operation over plain node:http (not traced itself) with a client-chosen trace context. */
async function tracedRequest(document: Parameters<typeof print>[0], variables: Record<string, unknown>, user: string): Promise<{ traceId: string; clientSpanId: string; body: { data?: Record<string, unknown>; errors?: unknown[] } }> {
  const traceId = randomBytes(16).toString('hex');
  const clientSpanId = randomBytes(8).toString('hex');
  const payload = JSON.stringify({ query: print(document), variables });
  const token = await stack.userToken(user);
  const url = new URL(stack.url);
  const text = await new Promise<string>((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${clientSpanId}-01` } },
      (res) => {
        let out = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (out += c));
        res.on('end', () => resolve(out));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
  return { traceId, clientSpanId, body: JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] } };
}

const portOf = (s: ReceivedSpan) => Number(s.attributes['server.port'] ?? s.attributes['net.host.port'] ?? s.attributes['net.peer.port'] ?? 0);
const pathOf = (s: ReceivedSpan) => String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? s.attributes['http.route'] ?? '');
const isSql = (s: ReceivedSpan) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql';
const isRedis = (s: ReceivedSpan) => s.attributes['db.system'] === 'redis' || s.attributes['db.system.name'] === 'redis';

/** The spans of one trace, once the gateway's server span and `expected` have arrived. */
async function traceOf(traceId: string, expected: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
  await expect.poll(async () => (await telemetry.flush(), expected(receiver.spans.filter((s) => s.traceId === traceId))), { timeout: 15_000, interval: 200 }).toBe(true);
  return receiver.spans.filter((s) => s.traceId === traceId);
}

/** Names of the spans in `spans` that do not descend from `root`. */
function orphans(spans: ReceivedSpan[], root: ReceivedSpan): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const descends = (s: ReceivedSpan): boolean => {
    for (let at: ReceivedSpan | undefined = s, hops = 0; at && hops < 100; at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined, hops++) if (at.parentSpanId === root.spanId) return true;
    return false;
  };
  return spans.filter((s) => s !== root && !descends(s)).map((s) => `${s.name} (${s.spanId})`);
}

function gatewaySpan(spans: ReceivedSpan[], clientSpanId: string): ReceivedSpan {
  const roots = spans.filter((s) => s.parentSpanId === clientSpanId);
  expect(roots.map((s) => ({ kind: s.kind, port: portOf(s) }))).toEqual([{ kind: 2, port: stack.gateway.port }]);
  return roots[0]!;
}

const subgraphPorts = () => Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [s.port, name]));

describe('distributed tracing', () => {
  it('a cart view is one trace: the gateway span is the ancestor of every subgraph, SQL and Redis span, and a log line carries its trace id', async () => {
    const user = 'trace-viewer';
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 2 } }, { user });
    const { traceId, clientSpanId, body } = await tracedRequest(CartViewDocument, {}, user);
    expect(body.errors).toBeUndefined();
    const ports = subgraphPorts();
    const servedBy = (spans: ReceivedSpan[]) => new Set(spans.filter((s) => s.kind === 2 && ports[portOf(s)]).map((s) => ports[portOf(s)]));
    const spans = await traceOf(traceId, (all) => all.some((s) => s.parentSpanId === clientSpanId) && ['cart', 'product', 'pricing'].every((n) => servedBy(all).has(n)) && all.some(isRedis));
    const root = gatewaySpan(spans, clientSpanId);
    expect(root.attributes['graphql.operation.name']).toBe('CartView');
    expect([...servedBy(spans)].sort()).toEqual(['cart', 'pricing', 'product']);
    expect(spans.filter((s) => s.name.startsWith('subgraph ')).map((s) => s.attributes['platform.subgraph']).sort()).toEqual(['cart', 'pricing', 'product']);
    expect(spans.filter(isRedis).length).toBeGreaterThan(0);
    expect(orphans(spans, root)).toEqual([]);
    expect(logs.filter((l) => l.trace_id === traceId).map((l) => l.msg)).toContain('graphql request');
  });

  it('a checkout is one trace through the order saga: internal calls to cart, product and pricing, SQL and Redis all under the gateway span', async () => {
    const user = 'trace-buyer';
    const cart = expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, { user })).addCartLine, 'Cart');
    const { traceId, clientSpanId, body } = await tracedRequest(
      CheckoutDocument,
      { input: { idempotencyKey: 'trace-checkout', expectedCartVersion: cart.version, shippingAddress: ADDRESS, paymentToken: 'tok_ok' } },
      user,
    );
    expect((body.data?.checkout as { __typename?: string } | undefined)?.__typename).toBe('Order');
    const orderId = (body.data!.checkout as { id: string }).id;
    const ports = subgraphPorts();
    const internal = (spans: ReceivedSpan[]) => new Set(spans.filter((s) => s.kind === 2 && pathOf(s).startsWith('/internal/')).map((s) => ports[portOf(s)]));
    const spans = await traceOf(traceId, (all) => all.some((s) => s.parentSpanId === clientSpanId) && ['cart', 'product', 'pricing'].every((n) => internal(all).has(n)) && all.some(isSql) && all.some((s) => s.name === 'publish order.paid'));
    const root = gatewaySpan(spans, clientSpanId);
    expect(root.attributes['graphql.operation.name']).toBe('Checkout');
    expect([...internal(spans)].sort()).toEqual(['cart', 'pricing', 'product']);
    expect(spans.some((s) => s.attributes['order.id'] === orderId)).toBe(true);
    expect(spans.filter(isSql).length).toBeGreaterThan(0);
    // The relay published the order's event later, from the outbox row's stored traceparent: still this trace.
    expect(spans.filter((s) => s.name === 'publish order.paid').map((s) => ({ kind: s.kind, id: s.attributes['messaging.destination.name'] }))).toEqual([{ kind: 4, id: `${stack.events.prefix}.order.paid` }]);
    expect(orphans(spans, root)).toEqual([]);
    expect(logs.filter((l) => l.trace_id === traceId).map((l) => l.msg)).toContain('checkout finished');
  });
});
