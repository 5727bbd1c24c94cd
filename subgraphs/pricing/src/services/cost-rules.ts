/**
 * What a cart costs: one pure function used for `Cart.cost` (cart view) and for the internal
 * `quote` operation (checkout), so the customer is charged exactly what the cart showed.
 *
 * Rules, in order:
 *
 * 1. Coupons. Codes are compared case-insensitively and counted once. A code is invalid when
 *    unknown, before `startsAt` (NOT_YET_VALID), after `endsAt` (EXPIRED), used up
 *    (`redemptions >= maxRedemptions`, EXHAUSTED), or when the subtotal *before* discounts is
 *    below `minSubtotal` (MINIMUM_NOT_MET). Valid coupons apply percent ones first, then fixed
 *    ones, each group in the order the codes were applied to the cart. Each discount is taken
 *    from what is left after the ones before it (so 10 % then 20 % off 100.00 is 10.00 + 18.00),
 *    and never more than what is left: the discount total never exceeds the subtotal.
 * 2. Shipping: the country's flat rate, free when the discounted subtotal reaches the country's
 *    `freeOver` threshold; an empty cart ships for 0.
 * 3. Tax: the country's rate on (discounted subtotal + shipping).
 * 4. Total: subtotal - discountTotal + shipping + tax.
 *
 * Rounding: every amount is computed in exact decimal and rounded half-up to cents once, where
 * it is computed (each percent discount, the tax); later steps use the rounded amounts, so the
 * parts always add up to the total to the cent.
 */
import type { CartCost, CouponProblem, CouponReason } from '../contract/index.ts';
import type { CouponRule } from '../data/coupons.ts';
import type { CountryRates } from '../data/countries.ts';
import { Decimal, formatMoney, money, roundMoney } from './money.ts';

export type { CountryRates, CouponReason, CouponProblem, CouponRule };

export interface CostInput {
  /** Sum of captured unit price x quantity, in cents. */
  subtotal: Decimal;
  /** Units in the cart; 0 means an empty cart (no shipping). */
  itemCount: number;
  /** The cart's codes, in the order they were applied. */
  couponCodes: readonly string[];
  /** The coupons found for those codes, by normalised code; a code missing here is UNKNOWN. */
  coupons: ReadonlyMap<string, CouponRule>;
  /** Rates of the country the cart is costed for. */
  rates: CountryRates;
  currencyCode: string;
  now: Date;
}

export interface AppliedDiscount {
  code: string;
  description: string;
  amount: Decimal;
}

export interface Cost {
  subtotal: Decimal;
  discounts: AppliedDiscount[];
  discountTotal: Decimal;
  shipping: Decimal;
  taxRate: Decimal;
  tax: Decimal;
  total: Decimal;
  invalidCoupons: CouponProblem[];
  country: string;
  amountToFreeShipping: Decimal | null;
  currencyCode: string;
}

/** The canonical form of a coupon code: trimmed, upper case. */
export const normalizeCouponCode = (code: string): string => code.trim().toUpperCase();

/**
 * Why `coupon` does not apply at `now` to a cart with `subtotal`, or `undefined` when it does.
 * Without a subtotal the minimum is not checked.
 */
export function couponProblem(coupon: CouponRule | undefined, now: Date, subtotal?: Decimal): CouponReason | undefined {
  if (!coupon) return 'UNKNOWN';
  if (coupon.startsAt && now.getTime() < Date.parse(coupon.startsAt)) return 'NOT_YET_VALID';
  if (coupon.endsAt && now.getTime() > Date.parse(coupon.endsAt)) return 'EXPIRED';
  if (coupon.maxRedemptions !== null && coupon.redemptions >= coupon.maxRedemptions) return 'EXHAUSTED';
  if (subtotal && coupon.minSubtotal !== null && subtotal.lessThan(coupon.minSubtotal)) return 'MINIMUM_NOT_MET';
  return undefined;
}

/** A sentence for the customer explaining `reason`. */
export function couponProblemMessage(code: string, reason: CouponReason, coupon: CouponRule | undefined, currencyCode: string): string {
  switch (reason) {
    case 'UNKNOWN':
      return `There is no coupon ${code}.`;
    case 'NOT_YET_VALID':
      return `Coupon ${code} is valid from ${coupon?.startsAt ?? 'a later date'}.`;
    case 'EXPIRED':
      return `Coupon ${code} expired at ${coupon?.endsAt ?? 'an earlier date'}.`;
    case 'EXHAUSTED':
      return `Coupon ${code} has been used as often as it may be.`;
    case 'MINIMUM_NOT_MET':
      return `Coupon ${code} needs a subtotal of at least ${formatMoney(coupon?.minSubtotal ?? 0, currencyCode)}.`;
  }
}

/** What the coupon does, for the customer: its own description, else e.g. "10% off" or "SGD 5.00 off". */
export function couponDescription(coupon: CouponRule, currencyCode: string): string {
  if (coupon.description) return coupon.description;
  const what = coupon.kind === 'PERCENT' ? `${new Decimal(coupon.value).toString()}% off` : `${formatMoney(coupon.value, currencyCode)} off`;
  return coupon.minSubtotal !== null ? `${what} orders from ${formatMoney(coupon.minSubtotal, currencyCode)}` : what;
}

/**
 * The rates to cost a cart with: its shipping country's when the store ships there, else the
 * default country's. `undefined` only when the default country itself has no rates.
 */
export function ratesFor(table: readonly CountryRates[], country: string | null | undefined, defaultCountry: string): CountryRates | undefined {
  const wanted = country?.trim().toUpperCase();
  return table.find((r) => r.country === wanted) ?? table.find((r) => r.country === defaultCountry);
}

/** Computes the cost of a cart; see the rules at the top of this file. */
export function computeCost(input: CostInput): Cost {
  const { subtotal, rates, currencyCode, now } = input;
  const invalidCoupons: CouponProblem[] = [];
  const valid: CouponRule[] = [];
  const seen = new Set<string>();
  for (const raw of input.couponCodes) {
    const code = normalizeCouponCode(raw);
    if (seen.has(code)) continue;
    seen.add(code);
    const coupon = input.coupons.get(code);
    const reason = couponProblem(coupon, now, subtotal);
    if (reason) invalidCoupons.push({ code, reason, message: couponProblemMessage(code, reason, coupon, currencyCode) });
    else if (coupon) valid.push(coupon);
  }

  const ordered = [...valid.filter((c) => c.kind === 'PERCENT'), ...valid.filter((c) => c.kind === 'FIXED')];
  const discounts: AppliedDiscount[] = [];
  let remaining = subtotal;
  for (const coupon of ordered) {
    const wanted = coupon.kind === 'PERCENT' ? roundMoney(remaining.times(coupon.value).dividedBy(100)) : new Decimal(coupon.value);
    const amount = Decimal.min(wanted, remaining);
    remaining = remaining.minus(amount);
    discounts.push({ code: coupon.code, description: couponDescription(coupon, currencyCode), amount });
  }
  const discountTotal = subtotal.minus(remaining);

  const freeOver = rates.freeOver === null ? null : new Decimal(rates.freeOver);
  const empty = input.itemCount <= 0;
  const freeShipping = empty || (freeOver !== null && remaining.greaterThanOrEqualTo(freeOver));
  const shipping = freeShipping ? new Decimal(0) : new Decimal(rates.shipping);
  const taxRate = new Decimal(rates.taxRate);
  const tax = roundMoney(remaining.plus(shipping).times(taxRate));
  const total = remaining.plus(shipping).plus(tax);
  const amountToFreeShipping = !freeShipping && freeOver !== null ? freeOver.minus(remaining) : null;

  return { subtotal, discounts, discountTotal, shipping, taxRate, tax, total, invalidCoupons, country: rates.country, amountToFreeShipping, currencyCode };
}

/** The wire shape of a cost: `CartCost` in GraphQL and the `quote` internal operation's answer (the contract's type). */
export function costToWire(cost: Cost): CartCost {
  const m = (amount: Decimal) => money(amount, cost.currencyCode);
  return {
    subtotal: m(cost.subtotal),
    discounts: cost.discounts.map((d) => ({ code: d.code, description: d.description, amount: m(d.amount) })),
    discountTotal: m(cost.discountTotal),
    shipping: m(cost.shipping),
    taxRate: cost.taxRate.toString(),
    tax: m(cost.tax),
    total: m(cost.total),
    invalidCoupons: cost.invalidCoupons,
    country: cost.country,
    amountToFreeShipping: cost.amountToFreeShipping === null ? null : m(cost.amountToFreeShipping),
  };
}
