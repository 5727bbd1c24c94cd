/**
 * The alert rules and the Grafana dashboard only use metrics a running stack exports: after a
 * cart view and a checkout, every metric named in `ops/prometheus/rules.yml` and in
 * `ops/grafana/dashboards/cart-platform.json` appears in some service's `/metrics`. (The rules
 * themselves are unit-tested by promtool in `npm test`.)
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartViewDocument, CheckoutDocument } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType } from '@platform/testing';

let stack: TestStack;
const ROOT = new URL('../../', import.meta.url);

beforeAll(async () => {
  stack = await startStack({ env: { CART_ABANDONED_SCAN_INTERVAL_MS: '0', CHECKOUT_RECOVERY_INTERVAL_MS: '0' } });
  const product = await createProduct(stack, { price: '3.00', stock: 10 });
  const user = 'metrics-shopper';
  const cart = expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, { user })).addCartLine, 'Cart');
  await stack.data(CartViewDocument, {}, { user });
  await stack.data(CartViewDocument, {}, { user });
  const placed = await stack.data(
    CheckoutDocument,
    { input: { idempotencyKey: 'metrics-checkout', expectedCartVersion: cart.version, shippingAddress: { name: 'Tan Wei Ling', line1: '1 Raffles Place', city: 'Singapore', postalCode: '048616', country: 'SG' }, paymentToken: 'tok_ok' } },
    { user },
  );
  expectType(placed.checkout, 'Order');
});
afterAll(async () => {
  await stack?.stop();
});

/** Metric names a PromQL expression selects (every one is written with `{...}` or `[...]`). */
function metricsIn(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '{}');
  return [...withoutLabels.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=[{[])/g)].map((m) => m[1]!);
}

/** Every metric the services export: sample names, and each declared family (a labelled counter with no samples yet still is one; histograms as _bucket, _sum and _count). */
async function exported(): Promise<Set<string>> {
  const urls = [stack.gateway.url, ...Object.values(stack.subgraphs).map((s) => `http://127.0.0.1:${s.port}/graphql`)];
  const names = new Set<string>();
  for (const url of urls) {
    const text = await (await fetch(new URL('/metrics', url))).text();
    for (const line of text.split('\n')) {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
      if (match) names.add(match[1]!);
      const family = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)/.exec(line);
      if (family) for (const suffix of family[2] === 'histogram' ? ['_bucket', '_sum', '_count'] : ['']) names.add(family[1]! + suffix);
    }
  }
  return names;
}

const ruleExprs = () => [...readFileSync(new URL('ops/prometheus/rules.yml', ROOT), 'utf8').matchAll(/^\s*expr:\s*(.+)$/gm)].map((m) => m[1]!);
const dashboardExprs = () => (JSON.parse(readFileSync(new URL('ops/grafana/dashboards/cart-platform.json', ROOT), 'utf8')) as { panels: { targets: { expr: string }[] }[] }).panels.flatMap((p) => p.targets.map((t) => t.expr));

describe('monitoring files', () => {
  it('every metric the alert rules and the dashboard use is exported by a running stack', async () => {
    const rules = ruleExprs();
    const panels = dashboardExprs();
    expect(rules.length).toBeGreaterThanOrEqual(9);
    expect(panels.length).toBeGreaterThanOrEqual(9);
    const wanted = new Set([...rules, ...panels].flatMap(metricsIn));
    expect(wanted.size).toBeGreaterThan(10);
    const have = await exported();
    expect([...wanted].filter((name) => !have.has(name)).sort()).toEqual([]);
  });

  it('the inventory books balance after a checkout (the invariant gauge reads 0)', async () => {
    const text = await (await fetch(new URL('/metrics', `http://127.0.0.1:${stack.subgraphs.product.port}`))).text();
    expect(text.split('\n').filter((l) => l.startsWith('inventory_invariant_violations'))).toEqual(['inventory_invariant_violations{service="product"} 0']);
  });
});
