import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { CouponDocument, CreateCouponDocument, SetPriceDocument, ShippingCountriesDocument, type CouponInput } from '@platform/client';
import { signIdentity, type Identity } from '@platform/auth';
import { startStack, TEST_INTERNAL_SECRET, type TestStack } from '@platform/e2e/support';
import { sql } from '@platform/testing';
import { ADMIN, pricingInternal, pricingTransport, refusal } from './helpers.ts';

let stack: TestStack;
let internal: ReturnType<typeof pricingInternal>;
let transport: ReturnType<typeof pricingTransport>;
beforeAll(async () => {
  stack = await startStack();
  internal = pricingInternal(stack);
  transport = pricingTransport(stack);
});
afterAll(async () => {
  await internal?.close();
  await transport?.close();
  await stack?.stop();
});

const codes = (errors: { extensions?: Record<string, unknown> }[] | undefined) => errors?.map((e) => e.extensions?.code);
const redeem = (checkoutKey: string, codes: string[], subtotal = '100.00') => internal.redeemCoupons({ checkoutKey, codes, subtotal });
const reverse = (checkoutKey: string) => internal.reverseRedemptions({ checkoutKey });

async function usage(code: string) {
  const [coupon] = await sql<{ redemptions: number }>(stack.db.url, `SELECT redemptions FROM pricing."Coupon" WHERE code = $1`, [code]);
  const rows = await sql<{ status: string; n: number }>(stack.db.url, `SELECT status::text, count(*)::int AS n FROM pricing."CouponRedemption" WHERE code = $1 GROUP BY status`, [code]);
  return { redemptions: coupon!.redemptions, ...Object.fromEntries(rows.map((r) => [r.status, r.n])) };
}

/** A coupon input: a fixed 1.00 off unless `input` says otherwise. */
const couponInput = (input: Partial<CouponInput> & { code: string }): CouponInput => ({ kind: 'FIXED', value: '1.00', ...input });

async function createCoupon(input: Partial<CouponInput> & { code: string }) {
  return (await stack.data(CreateCouponDocument, { input: couponInput(input) }, ADMIN)).createCoupon;
}

describe('createCoupon', () => {
  it('creates a coupon with an upper-case code that any case finds', async () => {
    const coupon = await createCoupon({
      code: 'spring-25',
      kind: 'PERCENT',
      value: '12.5',
      minSubtotal: '40',
      startsAt: '2026-03-01T00:00:00.000Z',
      endsAt: '2026-03-31T23:59:59.999Z',
      maxRedemptions: 500,
    });
    expect(coupon).toEqual({
      code: 'SPRING-25',
      kind: 'PERCENT',
      value: '12.50',
      description: '12.5% off orders from SGD 40.00',
      minSubtotal: '40.00',
      startsAt: '2026-03-01T00:00:00.000Z',
      endsAt: '2026-03-31T23:59:59.999Z',
      maxRedemptions: 500,
      redemptions: 0,
    });
    expect((await stack.data(CouponDocument, { code: 'Spring-25' }, ADMIN)).coupon).toEqual(coupon);
    expect((await stack.data(CouponDocument, { code: 'NO-SUCH' }, ADMIN)).coupon).toBeNull();
  });

  it.each([
    ['a malformed code', { code: 'no spaces!' }, 'code'],
    ['a too short code', { code: 'AB' }, 'code'],
    ['a percentage over 100', { code: 'TOOMUCH', kind: 'PERCENT', value: '100.01' }, 'value'],
    ['a zero percentage', { code: 'NOTHING', kind: 'PERCENT', value: '0' }, 'value'],
    ['a zero fixed amount', { code: 'ZERO', value: '0.00' }, 'value'],
    ['a negative fixed amount', { code: 'NEGATIVE', value: '-1.00' }, 'value'],
    ['a fixed amount with 3 decimals', { code: 'FRACTION', value: '1.005' }, 'value'],
    ['a negative minimum', { code: 'NEGMIN', minSubtotal: '-1' }, 'minSubtotal'],
    ['an end before the start', { code: 'BACKWARDS', startsAt: '2026-05-02T00:00:00Z', endsAt: '2026-05-01T00:00:00Z' }, 'endsAt'],
    ['maxRedemptions 0', { code: 'NEVER', maxRedemptions: 0 }, 'maxRedemptions'],
    ['an existing code', { code: 'welcome10' }, 'code'],
  ] as [string, Partial<CouponInput> & { code: string }, string][])('refuses %s with BAD_USER_INPUT and writes nothing', async (_, input, field) => {
    const before = await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM pricing."Coupon"`);
    const result = await stack.request(CreateCouponDocument, { input: couponInput(input) }, ADMIN);
    expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe(field);
    const after = await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM pricing."Coupon"`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('leaves the existing coupon untouched when its code is reused', async () => {
    await stack.request(CreateCouponDocument, { input: { code: 'WELCOME10', kind: 'FIXED', value: '99.00' } }, ADMIN);
    expect((await stack.data(CouponDocument, { code: 'WELCOME10' }, ADMIN)).coupon).toMatchObject({ kind: 'PERCENT', value: '10.00' });
  });
});

describe('admin only', () => {
  const input = { code: 'SNEAKY', kind: 'FIXED' as const, value: '50.00' };

  it('createCoupon, setPrice and coupon are FORBIDDEN to customers and guests', async () => {
    const guest = await stack.guestToken();
    for (const caller of [{ user: 'mallory' }, { user: 'mallory', role: 'customer' as const }, { guest }]) {
      expect(codes((await stack.request(CreateCouponDocument, { input }, caller)).errors)).toEqual(['FORBIDDEN']);
      expect(codes((await stack.request(SetPriceDocument, { productId: randomUUID(), amount: '1.00' }, caller)).errors)).toEqual(['FORBIDDEN']);
      expect(codes((await stack.request(CouponDocument, { code: 'WELCOME10' }, caller)).errors)).toEqual(['FORBIDDEN']);
    }
    expect(codes((await stack.request(CreateCouponDocument, { input })).errors)).toEqual(['UNAUTHENTICATED']);
    expect(await sql(stack.db.url, `SELECT 1 FROM pricing."Coupon" WHERE code = 'SNEAKY'`)).toEqual([]);
  });
});

describe('redeemCoupons', () => {
  it('50 concurrent checkouts of a coupon limited to 10 redeem it exactly 10 times', async () => {
    await createCoupon({ code: 'TENONLY', maxRedemptions: 10 });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => redeem(`rush-${i}`, ['TENONLY'])));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.filter((r) => !r.ok)).toEqual(Array(40).fill({ ok: false, failed: [{ code: 'TENONLY', reason: 'EXHAUSTED', message: expect.any(String) }] }));
    expect(await usage('TENONLY')).toEqual({ redemptions: 10, REDEEMED: 10 });
    expect((await stack.data(CouponDocument, { code: 'TENONLY' }, ADMIN)).coupon?.redemptions).toBe(10);
  });

  it('is idempotent per checkout key, also when the same checkout retries concurrently', async () => {
    await createCoupon({ code: 'ONCEPERKEY', maxRedemptions: 5 });
    const results = await Promise.all(Array.from({ length: 10 }, () => redeem('retrying-checkout', ['ONCEPERKEY'])));
    expect(results).toEqual(Array(10).fill({ ok: true, redeemed: ['ONCEPERKEY'] }));
    expect(await redeem('retrying-checkout', ['onceperkey'])).toEqual({ ok: true, redeemed: ['ONCEPERKEY'] });
    expect(await usage('ONCEPERKEY')).toEqual({ redemptions: 1, REDEEMED: 1 });
  });

  it('is all or nothing across codes: one failing code redeems none and names every failure', async () => {
    await createCoupon({ code: 'FULLUP', maxRedemptions: 1 });
    await createCoupon({ code: 'PLENTY' });
    expect(await redeem('first-buyer', ['FULLUP'])).toMatchObject({ ok: true });
    const result = await redeem('second-buyer', ['PLENTY', 'FULLUP', 'EXPIRED2025', 'NOSUCHCODE', 'WELCOME10'], '20.00');
    expect(result).toMatchObject({
      ok: false,
      failed: [
        { code: 'EXPIRED2025', reason: 'EXPIRED' },
        { code: 'FULLUP', reason: 'EXHAUSTED' },
        { code: 'NOSUCHCODE', reason: 'UNKNOWN' },
        { code: 'WELCOME10', reason: 'MINIMUM_NOT_MET' },
      ],
    });
    expect(await usage('PLENTY')).toEqual({ redemptions: 0 });
    expect(await usage('FULLUP')).toEqual({ redemptions: 1, REDEEMED: 1 });
  });

  it('refuses a coupon that is not valid yet', async () => {
    await createCoupon({ code: 'TOMORROW', startsAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(await redeem('early-bird', ['TOMORROW'])).toMatchObject({ ok: false, failed: [{ code: 'TOMORROW', reason: 'NOT_YET_VALID' }] });
  });

  it('redeems nothing for a checkout without coupons', async () => {
    expect(await redeem('no-coupons', [])).toEqual({ ok: true, redeemed: [] });
  });
});

describe('reverseRedemptions', () => {
  it('gives the uses back once, however often it is called, and lets the checkout redeem again', async () => {
    await createCoupon({ code: 'GIVEBACK', maxRedemptions: 1 });
    await createCoupon({ code: 'ALSOBACK' });
    expect(await redeem('cancelled-order', ['GIVEBACK', 'ALSOBACK'])).toEqual({ ok: true, redeemed: ['ALSOBACK', 'GIVEBACK'] });
    expect(await redeem('someone-else', ['GIVEBACK'])).toMatchObject({ ok: false });

    const reversals = await Promise.all(Array.from({ length: 5 }, () => reverse('cancelled-order')));
    expect(reversals.flatMap((r) => r.reversed).sort()).toEqual(['ALSOBACK', 'GIVEBACK']);
    expect(await reverse('cancelled-order')).toEqual({ reversed: [] });
    expect(await usage('GIVEBACK')).toEqual({ redemptions: 0, REVERSED: 1 });
    expect(await usage('ALSOBACK')).toEqual({ redemptions: 0, REVERSED: 1 });

    // The freed use is available again.
    expect(await redeem('someone-else', ['GIVEBACK'])).toMatchObject({ ok: true });
    expect(await usage('GIVEBACK')).toEqual({ redemptions: 1, REDEEMED: 1, REVERSED: 1 });
    // A retried checkout after its reversal redeems again (here: refused, the use is taken).
    expect(await redeem('cancelled-order', ['GIVEBACK'])).toMatchObject({ ok: false, failed: [{ reason: 'EXHAUSTED' }] });
    expect(await reverse('unknown-checkout')).toEqual({ reversed: [] });
  });
});

describe('internal operations for the cart', () => {
  it('validateCoupon says whether a code applies to a subtotal, with the canonical code', async () => {
    expect(await internal.validateCoupon({ code: ' welcome10 ', subtotal: '60.00' })).toEqual({ valid: true, code: 'WELCOME10' });
    expect(await internal.validateCoupon({ code: 'WELCOME10', subtotal: '49.99' })).toMatchObject({ valid: false, code: 'WELCOME10', reason: 'MINIMUM_NOT_MET' });
    expect(await internal.validateCoupon({ code: 'WELCOME10' })).toEqual({ valid: true, code: 'WELCOME10' });
    expect(await internal.validateCoupon({ code: 'EXPIRED2025', subtotal: '60.00' })).toMatchObject({ valid: false, reason: 'EXPIRED' });
    expect(await internal.validateCoupon({ code: 'NOPE', subtotal: '60.00' })).toMatchObject({ valid: false, code: 'NOPE', reason: 'UNKNOWN' });
  });

  it('countries and validateCountry list the six Southeast-Asian countries with their rates', async () => {
    const { defaultCountry, countries } = await internal.countries({});
    expect(defaultCountry).toBe('SG');
    expect(countries.map((c) => c.code)).toEqual(['ID', 'MY', 'PH', 'SG', 'TH', 'VN']);
    expect(countries.find((c) => c.code === 'SG')).toEqual({ code: 'SG', taxRate: '0.09', shipping: { amount: '4.99', currencyCode: 'SGD' }, freeShippingOver: { amount: '60.00', currencyCode: 'SGD' }, isDefault: true });
    expect(await internal.validateCountry({ country: 'my' })).toEqual({ valid: true, country: 'MY', supportedCountries: ['ID', 'MY', 'PH', 'SG', 'TH', 'VN'] });
    expect(await internal.validateCountry({ country: 'US' })).toMatchObject({ valid: false, country: 'US' });
    // The same table is public for country pickers.
    const { shippingCountries } = await stack.data(ShippingCountriesDocument);
    expect(shippingCountries).toEqual(countries);
  });

  it('prices keeps its shape: current prices of many products', async () => {
    const [row] = await sql<{ productId: string; amount: string }>(stack.db.url, `SELECT "productId"::text, amount::text FROM pricing."Price" LIMIT 1`);
    expect(await internal.prices({ productIds: [row!.productId, randomUUID()] })).toEqual({ items: [{ productId: row!.productId, amount: row!.amount, currencyCode: 'SGD' }] });
  });

  it.each([
    ['prices', { productIds: ['not-a-uuid'] }],
    ['prices', {}],
    ['validateCoupon', { code: '' }],
    ['validateCoupon', { code: 'WELCOME10', subtotal: 'lots' }],
    ['validateCountry', {}],
    ['redeemCoupons', { codes: ['WELCOME10'], subtotal: '10.00' }],
    ['redeemCoupons', { checkoutKey: 'k', codes: 'WELCOME10', subtotal: '10.00' }],
    ['redeemCoupons', { checkoutKey: 'k', codes: ['WELCOME10'], subtotal: -1 }],
    ['reverseRedemptions', { checkoutKey: '' }],
  ])('%s refuses %j with 400', async (operation, body) => {
    expect(await refusal(transport.post(operation, body))).toEqual({ status: 400, code: 'BAD_REQUEST' });
  });
});

describe('internal operations are internal', () => {
  const operations = ['prices', 'validateCoupon', 'countries', 'validateCountry', 'quote', 'redeemCoupons', 'reverseRedemptions'];
  const body = JSON.stringify({ checkoutKey: 'x', codes: ['WELCOME10'], subtotal: '100.00' });
  const post = (path: string, headers: Record<string, string>) => fetch(new URL(path, stack.subgraphs.pricing.url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const signed = (who: Identity, path: string, secret = TEST_INTERNAL_SECRET) => signIdentity(who, secret, { method: 'POST', path, body });

  it('refuse calls without the internal credential (401) and with a user identity (403)', async () => {
    const admin = { kind: 'user' as const, userId: 'root', role: 'admin' as const, expiresAt: Date.now() + 60_000 };
    const statuses = [];
    for (const op of operations) {
      const unsigned = (await post(`/internal/${op}`, {})).status;
      const forged = (await post(`/internal/${op}`, signed({ kind: 'service', service: 'cart' }, `/internal/${op}`, 'not-the-internal-secret-0123456789-0123456789'))).status;
      const asUser = (await post(`/internal/${op}`, signed(admin, `/internal/${op}`))).status;
      statuses.push({ op, unsigned, forged, asUser });
    }
    expect(statuses).toEqual(operations.map((op) => ({ op, unsigned: 401, forged: 401, asUser: 403 })));
    expect(await usage('WELCOME10')).toEqual({ redemptions: 0 });
  });

  it('are absent from the gateway schema and not routed by the gateway', async () => {
    const { __schema } = await stack.data<{ __schema: { types: { name: string; fields: { name: string }[] | null }[] } }>('{ __schema { types { name fields { name } } } }');
    const fields = __schema.types.flatMap((t) => (t.fields ?? []).map((f) => f.name));
    expect(operations.filter((o) => o !== 'prices' && fields.includes(o))).toEqual([]);
    const roots = __schema.types.filter((t) => ['Query', 'Mutation'].includes(t.name)).flatMap((t) => (t.fields ?? []).map((f) => f.name));
    expect(roots).not.toContain('prices');
    const viaGateway = await fetch(new URL('/internal/redeemCoupons', stack.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(viaGateway.status).toBe(404);
  });
});
