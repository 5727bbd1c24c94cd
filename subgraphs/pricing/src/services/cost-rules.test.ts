import { describe, expect, it } from 'vitest';
import { computeCost, costToWire, couponProblem, ratesFor, type CostInput, type CountryRates, type CouponRule } from './cost-rules.ts';
import { Decimal } from './money.ts';

const SG: CountryRates = { country: 'SG', taxRate: '0.0900', shipping: '4.99', freeOver: '60.00' };
const MY: CountryRates = { country: 'MY', taxRate: '0.0800', shipping: '8.00', freeOver: '100.00' };
const NOW = new Date('2026-06-15T12:00:00.000Z');

const coupon = (code: string, kind: 'PERCENT' | 'FIXED', value: string, extra: Partial<CouponRule> = {}): CouponRule => ({
  code,
  kind,
  value,
  description: null,
  minSubtotal: null,
  startsAt: null,
  endsAt: null,
  maxRedemptions: null,
  redemptions: 0,
  ...extra,
});

const WELCOME10 = coupon('WELCOME10', 'PERCENT', '10.00', { minSubtotal: '50.00', description: '10% off orders from S$50' });
const SAVE5 = coupon('SAVE5', 'FIXED', '5.00', { minSubtotal: '30.00' });
const TWENTY = coupon('TWENTY', 'PERCENT', '20.00');
const FIFTY_OFF = coupon('FIFTY', 'FIXED', '50.00');
const ALL = [WELCOME10, SAVE5, TWENTY, FIFTY_OFF];

function cost(subtotal: string, couponCodes: string[] = [], overrides: Partial<CostInput> = {}) {
  return costToWire(
    computeCost({
      subtotal: new Decimal(subtotal),
      itemCount: subtotal === '0.00' ? 0 : 1,
      couponCodes,
      coupons: new Map(ALL.map((c) => [c.code, c])),
      rates: SG,
      currencyCode: 'SGD',
      now: NOW,
      ...overrides,
    }),
  );
}
const amounts = (c: ReturnType<typeof cost>) => ({
  subtotal: c.subtotal.amount,
  discountTotal: c.discountTotal.amount,
  shipping: c.shipping.amount,
  tax: c.tax.amount,
  total: c.total.amount,
});

describe('computeCost: shipping and tax', () => {
  it('charges the country shipping rate below the threshold and taxes subtotal plus shipping', () => {
    // tax = (50.00 + 4.99) x 0.09 = 4.9491 -> 4.95
    expect(amounts(cost('50.00'))).toEqual({ subtotal: '50.00', discountTotal: '0.00', shipping: '4.99', tax: '4.95', total: '59.94' });
  });

  it('ships free when the subtotal reaches the threshold exactly, and not a cent below', () => {
    expect(cost('60.00').shipping.amount).toBe('0.00');
    expect(cost('59.99').shipping.amount).toBe('4.99');
    expect(cost('59.99').amountToFreeShipping).toEqual({ amount: '0.01', currencyCode: 'SGD' });
    expect(cost('60.00').amountToFreeShipping).toBeNull();
  });

  it('decides free shipping on the discounted subtotal', () => {
    // 65.00 - 10 % = 58.50 < 60.00; tax (58.50 + 4.99) x 0.09 = 5.7141 -> 5.71
    const c = cost('65.00', ['WELCOME10']);
    expect(amounts(c)).toEqual({ subtotal: '65.00', discountTotal: '6.50', shipping: '4.99', tax: '5.71', total: '69.20' });
    expect(c.amountToFreeShipping?.amount).toBe('1.50');
  });

  it('uses the tax and shipping of the country it is given', () => {
    // MY: 8.00 shipping under 100.00, tax 8 % of 58.00 = 4.64
    expect(amounts(cost('50.00', [], { rates: MY }))).toEqual({ subtotal: '50.00', discountTotal: '0.00', shipping: '8.00', tax: '4.64', total: '62.64' });
    expect(cost('50.00', [], { rates: MY }).country).toBe('MY');
    expect(cost('50.00', [], { rates: MY }).taxRate).toBe('0.08');
  });

  it('charges nothing for an empty cart: no shipping, no tax', () => {
    expect(amounts(cost('0.00'))).toEqual({ subtotal: '0.00', discountTotal: '0.00', shipping: '0.00', tax: '0.00', total: '0.00' });
    expect(cost('0.00').amountToFreeShipping).toBeNull();
  });

  it('never ships free in a country without a threshold', () => {
    const c = cost('5000.00', [], { rates: { country: 'XX', taxRate: '0', shipping: '12.00', freeOver: null } });
    expect(c.shipping.amount).toBe('12.00');
    expect(c.amountToFreeShipping).toBeNull();
  });
});

describe('computeCost: coupons', () => {
  it('applies percent coupons before fixed ones whatever order the codes were applied in', () => {
    const c = cost('100.00', ['SAVE5', 'WELCOME10']);
    expect(c.discounts.map((d) => [d.code, d.amount.amount])).toEqual([
      ['WELCOME10', '10.00'],
      ['SAVE5', '5.00'],
    ]);
    // 85.00 >= 60.00 ships free; tax 85.00 x 0.09 = 7.65
    expect(amounts(c)).toEqual({ subtotal: '100.00', discountTotal: '15.00', shipping: '0.00', tax: '7.65', total: '92.65' });
  });

  it('takes each percent coupon from what is left after the ones before it', () => {
    // 10 % of 100.00 = 10.00, then 20 % of 90.00 = 18.00
    expect(cost('100.00', ['WELCOME10', 'TWENTY']).discountTotal.amount).toBe('28.00');
  });

  it('caps the discount at the subtotal: a fixed coupon larger than the cart takes only what is there', () => {
    const c = cost('30.00', ['FIFTY']);
    expect(c.discounts).toEqual([{ code: 'FIFTY', description: 'SGD 50.00 off', amount: { amount: '30.00', currencyCode: 'SGD' } }]);
    // Nothing left to pay for the goods; shipping 4.99 and its tax 0.45 remain.
    expect(amounts(c)).toEqual({ subtotal: '30.00', discountTotal: '30.00', shipping: '4.99', tax: '0.45', total: '5.44' });
  });

  it('caps stacked coupons at the subtotal, the later ones taking nothing', () => {
    // Percent first (20 % of 40.00), then the fixed ones in the order they were applied.
    const c = cost('40.00', ['FIFTY', 'SAVE5', 'TWENTY']);
    expect(c.discounts.map((d) => [d.code, d.amount.amount])).toEqual([
      ['TWENTY', '8.00'],
      ['FIFTY', '32.00'],
      ['SAVE5', '0.00'],
    ]);
    expect(c.discountTotal.amount).toBe('40.00');
  });

  it('lists invalid codes with their reason and leaves them out of the discount', () => {
    const coupons = new Map(
      [
        coupon('OLD', 'FIXED', '10.00', { endsAt: '2026-01-01T00:00:00.000Z' }),
        coupon('SOON', 'FIXED', '10.00', { startsAt: '2026-07-01T00:00:00.000Z' }),
        coupon('GONE', 'PERCENT', '50.00', { maxRedemptions: 3, redemptions: 3 }),
        WELCOME10,
        SAVE5,
      ].map((c) => [c.code, c]),
    );
    const c = cost('40.00', ['NOPE', 'OLD', 'SOON', 'GONE', 'WELCOME10', 'SAVE5'], { coupons });
    expect(c.invalidCoupons.map((p) => [p.code, p.reason])).toEqual([
      ['NOPE', 'UNKNOWN'],
      ['OLD', 'EXPIRED'],
      ['SOON', 'NOT_YET_VALID'],
      ['GONE', 'EXHAUSTED'],
      ['WELCOME10', 'MINIMUM_NOT_MET'],
    ]);
    expect(c.invalidCoupons[4]?.message).toBe('Coupon WELCOME10 needs a subtotal of at least SGD 50.00.');
    expect(c.discounts.map((d) => d.code)).toEqual(['SAVE5']);
    expect(c.discountTotal.amount).toBe('5.00');
  });

  it('checks the minimum against the subtotal before discounts, inclusive', () => {
    // Both minimums are met by the 50.00 subtotal, although 10 % off leaves 45.00 before SAVE5.
    const c = cost('50.00', ['WELCOME10', 'SAVE5']);
    expect(c.invalidCoupons).toEqual([]);
    expect(c.discountTotal.amount).toBe('10.00');
    expect(cost('49.99', ['WELCOME10']).invalidCoupons.map((p) => p.reason)).toEqual(['MINIMUM_NOT_MET']);
  });

  it('treats codes case-insensitively and counts a repeated code once', () => {
    const c = cost('100.00', ['welcome10', ' WELCOME10 ', 'Welcome10']);
    expect(c.discounts.map((d) => d.code)).toEqual(['WELCOME10']);
    expect(c.discountTotal.amount).toBe('10.00');
  });

  it('is valid from startsAt and until endsAt, both inclusive', () => {
    const windowed = coupon('WINDOW', 'FIXED', '1.00', { startsAt: NOW.toISOString(), endsAt: NOW.toISOString() });
    expect(couponProblem(windowed, NOW)).toBeUndefined();
    expect(couponProblem(windowed, new Date(NOW.getTime() - 1))).toBe('NOT_YET_VALID');
    expect(couponProblem(windowed, new Date(NOW.getTime() + 1))).toBe('EXPIRED');
  });

  it('describes a coupon without its own description from its kind and value', () => {
    expect(cost('100.00', ['TWENTY']).discounts[0]?.description).toBe('20% off');
    expect(cost('100.00', ['SAVE5']).discounts[0]?.description).toBe('SGD 5.00 off orders from SGD 30.00');
    expect(cost('100.00', ['WELCOME10']).discounts[0]?.description).toBe('10% off orders from S$50');
  });
});

describe('computeCost: rounding', () => {
  const flat = (taxRate: string): CountryRates => ({ country: 'XX', taxRate, shipping: '0.00', freeOver: null });

  it('rounds tax half-up to cents (0.125 -> 0.13, where half-even would give 0.12)', () => {
    expect(cost('1.25', [], { rates: flat('0.1000') }).tax.amount).toBe('0.13');
    expect(cost('1.35', [], { rates: flat('0.1000') }).tax.amount).toBe('0.14');
  });

  it('rounds each percent discount half-up once (11 % of 4.50 = 0.495 -> 0.50; of 19.95 = 2.1945 -> 2.19)', () => {
    const eleven = coupon('ELEVEN', 'PERCENT', '11.00');
    const coupons = new Map([[eleven.code, eleven]]);
    expect(cost('4.50', ['ELEVEN'], { coupons }).discountTotal.amount).toBe('0.50');
    expect(cost('19.95', ['ELEVEN'], { coupons }).discountTotal.amount).toBe('2.19');
  });

  it('rounds half a cent of discount up on the smallest amounts (10 % of 0.05 = 0.005 -> 0.01)', () => {
    expect(cost('0.05', ['TWENTY'], { coupons: new Map([['TWENTY', coupon('TWENTY', 'PERCENT', '10.00')]]) }).discountTotal.amount).toBe('0.01');
  });

  it('is exact where floats are not (0.1 + 0.2 style amounts)', () => {
    // In floating point 0.3 * 0.07 + 0.3 is 0.32099999999999995.
    const c = cost('0.30', [], { rates: flat('0.0700') });
    expect(c.tax.amount).toBe('0.02');
    expect(c.total.amount).toBe('0.32');
  });

  it('adds up to the cent for every subtotal: total = subtotal - discountTotal + shipping + tax', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2_000; i++) {
      const subtotal = new Decimal(next() % 50_000).dividedBy(100).toFixed(2);
      const c = cost(subtotal, ['WELCOME10', 'TWENTY', 'SAVE5'], { rates: i % 2 ? SG : MY });
      const sum = new Decimal(c.subtotal.amount).minus(c.discountTotal.amount).plus(c.shipping.amount).plus(c.tax.amount);
      expect(sum.toFixed(2)).toBe(c.total.amount);
      expect(new Decimal(c.discountTotal.amount).lessThanOrEqualTo(c.subtotal.amount)).toBe(true);
      expect(c.discounts.reduce((s, d) => s.plus(d.amount.amount), new Decimal(0)).toFixed(2)).toBe(c.discountTotal.amount);
      for (const amount of [c.discountTotal, c.shipping, c.tax, c.total]) expect(amount.amount).toMatch(/^\d+\.\d{2}$/);
    }
  });
});

describe('ratesFor', () => {
  const table = [MY, SG];
  it('finds the shipping country, in any case', () => {
    expect(ratesFor(table, 'my', 'SG')).toBe(MY);
  });
  it('falls back to the default country when none is set or the store does not ship there', () => {
    expect(ratesFor(table, null, 'SG')).toBe(SG);
    expect(ratesFor(table, 'US', 'SG')).toBe(SG);
  });
  it('finds nothing when the default country has no rates either', () => {
    expect(ratesFor(table, 'US', 'ZZ')).toBeUndefined();
  });
});
