import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartCostDocument, CartPricesDocument, CreateCouponDocument, SetPriceDocument } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { sql } from '@platform/testing';
import { ADMIN, countSql, demoProducts, pricingInternal, pricingTransport, refusal, setCartPricing, type DemoProduct } from './helpers.ts';

let stack: TestStack;
let A: DemoProduct; // priced 25.00
let B: DemoProduct; // priced 10.00
let internal: ReturnType<typeof pricingInternal>;
let transport: ReturnType<typeof pricingTransport>;

beforeAll(async () => {
  stack = await startStack();
  internal = pricingInternal(stack);
  transport = pricingTransport(stack);
  [A, B] = (await demoProducts(stack, 2)) as [DemoProduct, DemoProduct];
  await stack.data(SetPriceDocument, { productId: A.id, amount: '25.00' }, ADMIN);
  await stack.data(SetPriceDocument, { productId: B.id, amount: '10.00' }, ADMIN);
  const hour = 3_600_000;
  for (const input of [
    { code: 'BIGFIXED', kind: 'FIXED' as const, value: '100.00' },
    { code: 'ALLFREE', kind: 'PERCENT' as const, value: '100' },
    { code: 'FUTURE', kind: 'FIXED' as const, value: '1.00', startsAt: new Date(Date.now() + 24 * hour).toISOString() },
    { code: 'LASTONE', kind: 'FIXED' as const, value: '1.00', maxRedemptions: 1 },
  ])
    await stack.data(CreateCouponDocument, { input }, ADMIN);
});
afterAll(async () => {
  await internal?.close();
  await transport?.close();
  await stack?.stop();
});

let buyers = 0;
/** A new customer's cart holding `lines`, with the given coupon codes and shipping country. */
async function cartWith(lines: [DemoProduct, number][], couponCodes: string[] = [], country: string | null = null) {
  const user = { user: `cost-buyer-${++buyers}` } as const;
  for (const [product, quantity] of lines) await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity } }, user);
  const { cart } = await stack.data(CartCostDocument, {}, user);
  await setCartPricing(stack, cart!.id, couponCodes, country);
  return { user, id: cart!.id };
}

async function costOf(user: { user: string }) {
  const { cart } = await stack.data(CartCostDocument, {}, user);
  return cart!.cost;
}
const sgd = (amount: string) => ({ amount, currencyCode: 'SGD' });
const totals = (cost: Awaited<ReturnType<typeof costOf>>) => ({
  subtotal: cost.subtotal.amount,
  discountTotal: cost.discountTotal.amount,
  shipping: cost.shipping.amount,
  tax: cost.tax.amount,
  total: cost.total.amount,
});

describe('Cart.cost: country', () => {
  it('costs a cart without a shipping country for the default country, SG', async () => {
    const { user } = await cartWith([[A, 2]]);
    const cost = await costOf(user);
    // (50.00 + 4.99) x 0.09 = 4.9491 -> 4.95
    expect(cost).toMatchObject({ country: 'SG', taxRate: '0.09', discounts: [], invalidCoupons: [], amountToFreeShipping: sgd('10.00') });
    expect(totals(cost)).toEqual({ subtotal: '50.00', discountTotal: '0.00', shipping: '4.99', tax: '4.95', total: '59.94' });
  });

  it.each([
    // country, shipping, taxRate, tax of (50.00 + shipping), total
    ['SG', '4.99', '0.09', '4.95', '59.94'],
    ['MY', '8.00', '0.08', '4.64', '62.64'],
    ['ID', '9.00', '0.11', '6.49', '65.49'],
    ['TH', '7.50', '0.07', '4.03', '61.53'], // 4.025 rounds half-up
    ['VN', '8.50', '0.1', '5.85', '64.35'],
    ['PH', '9.50', '0.12', '7.14', '66.64'],
  ])('charges shipping and tax of %s', async (country, shipping, taxRate, tax, total) => {
    const { user } = await cartWith([[A, 2]], [], country);
    const cost = await costOf(user);
    expect(cost.country).toBe(country);
    expect(cost.taxRate).toBe(taxRate);
    expect(totals(cost)).toEqual({ subtotal: '50.00', discountTotal: '0.00', shipping, tax, total });
  });

  it('costs a country the store does not ship to (set before the tables changed) as the default country, and says so', async () => {
    const { user } = await cartWith([[A, 2]], [], 'US');
    const cost = await costOf(user);
    expect(cost.country).toBe('SG');
    expect(cost.total).toEqual(sgd('59.94'));
  });
});

describe('Cart.cost: shipping threshold', () => {
  it('ships free when the subtotal reaches the threshold exactly', async () => {
    const { user } = await cartWith([[A, 2], [B, 1]]);
    const cost = await costOf(user);
    expect(totals(cost)).toEqual({ subtotal: '60.00', discountTotal: '0.00', shipping: '0.00', tax: '5.40', total: '65.40' });
    expect(cost.amountToFreeShipping).toBeNull();
  });

  it('charges shipping again when a discount takes the subtotal below the threshold', async () => {
    const { user } = await cartWith([[A, 2], [B, 1]], ['SAVE5']);
    const cost = await costOf(user);
    // 55.00 + 4.99 = 59.99; x 0.09 = 5.3991 -> 5.40
    expect(totals(cost)).toEqual({ subtotal: '60.00', discountTotal: '5.00', shipping: '4.99', tax: '5.40', total: '65.39' });
    expect(cost.amountToFreeShipping).toEqual(sgd('5.00'));
  });

  it('charges nothing at all for an empty cart', async () => {
    const { user, id } = await cartWith([[B, 1]], ['SAVE5']);
    await sql(stack.db.url, `DELETE FROM cart."CartLine" WHERE "cartId" = $1`, [id]);
    await setCartPricing(stack, id, ['SAVE5'], 'MY');
    const cost = await costOf(user);
    expect(totals(cost)).toEqual({ subtotal: '0.00', discountTotal: '0.00', shipping: '0.00', tax: '0.00', total: '0.00' });
    expect(cost.invalidCoupons).toEqual([{ code: 'SAVE5', reason: 'MINIMUM_NOT_MET', message: 'Coupon SAVE5 needs a subtotal of at least SGD 30.00.' }]);
  });
});

describe('Cart.cost: coupons', () => {
  it('lists an expired coupon with reason EXPIRED and takes nothing off', async () => {
    const { user } = await cartWith([[A, 2]], ['EXPIRED2025']);
    const cost = await costOf(user);
    expect(cost.invalidCoupons).toEqual([{ code: 'EXPIRED2025', reason: 'EXPIRED', message: expect.stringContaining('expired') }]);
    expect(cost.discounts).toEqual([]);
    expect(cost.total).toEqual(sgd('59.94'));
  });

  it('lists a coupon whose minimum is not met, and still applies the others', async () => {
    const { user } = await cartWith([[B, 3]], ['WELCOME10', 'SAVE5']);
    const cost = await costOf(user);
    expect(cost.invalidCoupons).toEqual([{ code: 'WELCOME10', reason: 'MINIMUM_NOT_MET', message: 'Coupon WELCOME10 needs a subtotal of at least SGD 50.00.' }]);
    expect(cost.discounts).toEqual([{ code: 'SAVE5', description: 'S$5 off orders from S$30', amount: sgd('5.00') }]);
    // 25.00 + 4.99 = 29.99; x 0.09 = 2.6991 -> 2.70
    expect(totals(cost)).toEqual({ subtotal: '30.00', discountTotal: '5.00', shipping: '4.99', tax: '2.70', total: '32.69' });
  });

  it('stacks a percent and a fixed coupon: percent first, whatever order they were applied in', async () => {
    const { user } = await cartWith([[A, 4]], ['save5', 'WELCOME10']);
    const cost = await costOf(user);
    expect(cost.discounts).toEqual([
      { code: 'WELCOME10', description: '10% off orders from S$50', amount: sgd('10.00') },
      { code: 'SAVE5', description: 'S$5 off orders from S$30', amount: sgd('5.00') },
    ]);
    // 85.00 ships free in SG; 85.00 x 0.09 = 7.65
    expect(totals(cost)).toEqual({ subtotal: '100.00', discountTotal: '15.00', shipping: '0.00', tax: '7.65', total: '92.65' });
  });

  it('caps the discount at the subtotal', async () => {
    const { user } = await cartWith([[B, 3]], ['BIGFIXED', 'SAVE5']);
    const cost = await costOf(user);
    expect(cost.discounts.map((d) => [d.code, d.amount.amount])).toEqual([
      ['BIGFIXED', '30.00'],
      ['SAVE5', '0.00'],
    ]);
    // Only shipping is left to pay: 4.99 + 0.45 tax.
    expect(totals(cost)).toEqual({ subtotal: '30.00', discountTotal: '30.00', shipping: '4.99', tax: '0.45', total: '5.44' });
  });

  it('caps a 100 % coupon stacked with a fixed one at the subtotal', async () => {
    const { user } = await cartWith([[A, 1]], ['ALLFREE', 'BIGFIXED']);
    const cost = await costOf(user);
    expect(cost.discountTotal).toEqual(sgd('25.00'));
    expect(cost.discounts.map((d) => d.amount.amount)).toEqual(['25.00', '0.00']);
  });

  it('lists unknown, not-yet-valid and used-up coupons with their reasons', async () => {
    expect(await internal.redeemCoupons({ checkoutKey: 'cost-lastone', codes: ['LASTONE'], subtotal: '10.00' })).toMatchObject({ ok: true });
    const { user } = await cartWith([[A, 2]], ['NOPE', 'FUTURE', 'LASTONE']);
    const cost = await costOf(user);
    expect(cost.invalidCoupons.map((p) => [p.code, p.reason])).toEqual([
      ['NOPE', 'UNKNOWN'],
      ['FUTURE', 'NOT_YET_VALID'],
      ['LASTONE', 'EXHAUSTED'],
    ]);
    expect(cost.discountTotal).toEqual(sgd('0.00'));
  });

  it('applies a coupon created after the cart was costed with it as unknown', async () => {
    const { user } = await cartWith([[A, 2]], ['LATECOMER']);
    expect((await costOf(user)).invalidCoupons.map((p) => p.reason)).toEqual(['UNKNOWN']);
    await stack.data(CreateCouponDocument, { input: { code: 'latecomer', kind: 'FIXED', value: '2.50' } }, ADMIN);
    const cost = await costOf(user);
    expect(cost.invalidCoupons).toEqual([]);
    expect(cost.discounts).toEqual([{ code: 'LATECOMER', description: 'SGD 2.50 off', amount: sgd('2.50') }]);
  });
});

describe('Cart.cost: efficiency', () => {
  it('a repeated cart view with coupons costs no SQL in pricing', async () => {
    const { user } = await cartWith([[A, 4]], ['WELCOME10', 'SAVE5'], 'MY');
    await costOf(user);
    const warm = await countSql(stack, () => costOf(user));
    expect(warm.pricing).toBe(0);
  });
});

describe('quote (checkout) matches Cart.cost', () => {
  it('prices the captured lines with the same rules and the same result as the cart view', async () => {
    const { user } = await cartWith([[A, 4], [B, 1]], ['SAVE5', 'WELCOME10', 'EXPIRED2025'], 'TH');
    const cost = await costOf(user);
    const { cart } = await stack.data(CartPricesDocument, {}, user);
    const lines = cart!.lines.map((l) => ({ productId: l.product.id, quantity: l.quantity, unitPrice: l.unitPrice.amount }));
    // Prices change after the lines were captured: checkout still charges the captured ones.
    await stack.data(SetPriceDocument, { productId: B.id, amount: '99.00' }, ADMIN);
    const quote = await internal.quote({ lines, couponCodes: ['SAVE5', 'WELCOME10', 'EXPIRED2025'], shippingCountry: 'TH' });
    expect(quote).toEqual(cost);
    await stack.data(SetPriceDocument, { productId: B.id, amount: '10.00' }, ADMIN);
    // 110.00 - 11.00 - 5.00 = 94.00 < 100.00: 7.50 shipping; (94.00 + 7.50) x 0.07 = 7.105 -> 7.11
    expect(totals(cost)).toEqual({ subtotal: '110.00', discountTotal: '16.00', shipping: '7.50', tax: '7.11', total: '108.61' });
  });

  it('costs a quote without a country for the default country', async () => {
    const quote = await internal.quote({ lines: [{ productId: A.id, quantity: 2, unitPrice: '25.00' }], couponCodes: [] });
    expect(quote.country).toBe('SG');
    expect(quote.total.amount).toBe('59.94');
  });

  it('refuses a country the store does not ship to with 422 UNKNOWN_COUNTRY', async () => {
    expect(await refusal(internal.quote({ lines: [{ productId: A.id, quantity: 1, unitPrice: '25.00' }], couponCodes: [], shippingCountry: 'US' }))).toEqual({ status: 422, code: 'UNKNOWN_COUNTRY' });
  });

  it('refuses malformed input with 400', async () => {
    const bodies = [
      { lines: [{ productId: 'nope', quantity: 1, unitPrice: '1.00' }], couponCodes: [] },
      { lines: [{ productId: A.id, quantity: 0, unitPrice: '1.00' }], couponCodes: [] },
      { lines: [{ productId: A.id, quantity: 1, unitPrice: 1 }], couponCodes: [] },
      { lines: [{ productId: A.id, quantity: 1, unitPrice: '1.001' }], couponCodes: [] },
      { lines: [], couponCodes: [], shippingCountry: 'Singapore' },
    ];
    const statuses = [];
    for (const body of bodies) statuses.push({ body, status: (await refusal(transport.post('quote', body))).status });
    expect(statuses).toEqual(bodies.map((body) => ({ body, status: 400 })));
  });
});
