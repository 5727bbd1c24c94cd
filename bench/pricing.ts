/**
 * Pricing scenario: through the gateway, a cached cart view with prices, current prices and the
 * full cost (20 lines, two coupons, shipping to MY), with the SQL pricing runs per view; then
 * pricing's checkout operations called as the order service would: `quote` and
 * `redeemCoupons` on one hot coupon (every call contends for the same row lock).
 */
import { pricingClient } from '@subgraph/pricing/contract';
import { startStack, TEST_INTERNAL_SECRET } from '@platform/e2e/support';
import { createProduct, sql } from '@platform/testing';
import { graphqlClient, measure, report } from './lib.ts';

const VIEW = `query {
  cart {
    lines { quantity unitPrice { amount } currentUnitPrice { amount } priceChanged product { name price { amount } } }
    cost { subtotal { amount } discounts { code amount { amount } } discountTotal { amount } shipping { amount } tax { amount } total { amount } invalidCoupons { code reason } }
  }
}`;
const ADD = `mutation ($input: AddCartLineInput!) { addCartLine(input: $input) { __typename } }`;
const COUPON = `mutation ($input: CouponCodeInput!) { applyCouponCode(input: $input) { __typename } }`;
const COUNTRY = `mutation ($input: ShippingCountryInput!) { setShippingCountry(input: $input) { __typename } }`;
const ADMIN = { user: 'bench-admin', role: 'admin' } as const;

export async function runPricingBench(options: { durationMs: number; concurrency: number; users: number }): Promise<void> {
  const stack = await startStack({ env: { DATABASE_POOL_SIZE: '20' } });
  const internal = pricingClient({ baseUrl: stack.subgraphs.pricing.url, secret: TEST_INTERNAL_SECRET, caller: 'bench', timeoutMs: 30_000 });
  try {
    const products = await Promise.all(Array.from({ length: 20 }, (_, i) => createProduct(stack, { name: `Pricing bench item ${i}`, price: `${i + 3}.45`, stock: 1_000_000 })));
    await stack.data('mutation { createCoupon(input: { code: "BENCHHOT", kind: FIXED, value: "1.00" }) { code } }', {}, ADMIN);
    const tokens = await Promise.all(Array.from({ length: options.users }, (_, i) => stack.userToken(`pricing-bench-${i}`, { expiresInSeconds: 3600 })));
    const client = graphqlClient(stack.url);
    const auth = (i: number) => ({ authorization: `Bearer ${tokens[i % tokens.length]}` });
    for (let u = 0; u < tokens.length; u++) for (const p of products) await client.send(ADD, { input: { productId: p.id, quantity: 1 + (u % 3) } }, auth(u));
    for (let u = 0; u < tokens.length; u++) {
      for (const code of ['WELCOME10', 'SAVE5']) await client.send(COUPON, { input: { code } }, auth(u));
      await client.send(COUNTRY, { input: { country: 'MY' } }, auth(u));
    }
    for (let u = 0; u < tokens.length; u++) await client.send(VIEW, {}, auth(u)); // warm the caches

    const { pricing } = stack.subgraphs;
    const sqlBefore = pricing.sql.count;
    const view = await measure('cart view + cost (20 lines, cached)', options, (w, i) => client.send(VIEW, {}, auth(w + i * options.concurrency)).then(() => undefined));
    const sqlPerView = (pricing.sql.count - sqlBefore) / Math.max(1, view.ops);

    const lines = products.map((p, i) => ({ productId: p.id, quantity: 1 + (i % 3), unitPrice: p.price }));
    const quote = await measure('quote (20 lines, 2 coupons)', options, () => internal.quote({ lines, couponCodes: ['WELCOME10', 'SAVE5'], shippingCountry: 'MY' }).then(() => undefined));
    const redeem = await measure('redeemCoupons (one hot coupon)', options, (w, i) =>
      internal.redeemCoupons({ checkoutKey: `bench-${w}-${i}`, codes: ['BENCHHOT'], subtotal: '100.00' }).then((r) => {
        if (!r.ok) throw new Error('redemption refused');
      }),
    );
    const [counted] = await sql<{ redemptions: number }>(stack.db.url, `SELECT redemptions FROM pricing."Coupon" WHERE code = 'BENCHHOT'`);

    report('Pricing (cart view through the gateway; checkout operations direct)', [view, quote, redeem], [
      `SQL statements in pricing per cached cart view with cost: ${sqlPerView.toFixed(3)}`,
      `BENCHHOT redemptions counted: ${counted?.redemptions} (successful calls: ${redeem.ops})`,
      `${options.concurrency} concurrent clients, ${options.users} users, ${options.durationMs / 1000} s per scenario; gateway, subgraphs and load generator share one process on this machine`,
    ]);
    await client.close();
  } finally {
    await internal.close();
    await stack.stop();
  }
}
