/**
 * Costing carts: `Cart.cost` for cart views (from the fields the gateway brings along through
 * `@requires`, with cached coupons and rates) and `quote` for checkout (from the captured line
 * prices, reading coupons and rates from Postgres). Both use `computeCost`, so checkout charges
 * what the cart showed.
 */
import { requireAdmin } from '@platform/auth';
import { badUserInput } from '@platform/errors';
import type { TagStore } from '@platform/redis';
import type { RuleCache } from '../cache/rules.ts';
import { RATES_TAG } from '../cache/tags.ts';
import type { CartCost, QuoteInput, ShippingCountry } from '../contract/index.ts';
import { findCoupons, toCouponRule, type CouponRule } from '../data/coupons.ts';
import { findCountryRates, upsertCountryRates, type CountryRates } from '../data/countries.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { RequestContext } from '../request-context.ts';
import { computeCost, costToWire, normalizeCouponCode, ratesFor } from './cost-rules.ts';
import { Decimal, hasCents, MAX_AMOUNT, money } from './money.ts';

export type { ShippingCountry };

/** A cart as the gateway sends it to pricing: its id plus the fields `Cart.cost` requires. */
export interface CartRef {
  id: string;
  subtotal?: { amount: string; currencyCode: string } | null;
  totalQuantity?: number | null;
  couponCodes?: readonly string[] | null;
  shippingCountry?: string | null;
}

export type QuoteResult = { ok: true; cost: CartCost } | { ok: false; unknownCountry: string; supportedCountries: string[] };

export interface CostServiceDeps {
  prisma: PrismaClient;
  cache: RuleCache;
  tags: TagStore;
  currencyCode: string;
  defaultCountry: string;
}

const uniqueCodes = (codes: readonly string[] | null | undefined) => [...new Set((codes ?? []).map(normalizeCouponCode))];

export class CostService {
  constructor(private readonly deps: CostServiceDeps) {}

  /**
   * The cost of a cart view, from cached coupons and rates. A shipping country the store no
   * longer ships to (the cart checks it when set, so only a later change of the tables does
   * this) is costed as the default country, and `country` says so; checkout (`quote`) refuses it.
   */
  async forCart(ctx: RequestContext, cart: CartRef): Promise<CartCost> {
    const codes = uniqueCodes(cart.couponCodes);
    const [table, coupons] = await Promise.all([ctx.loaders.countries(), ctx.loaders.coupon.loadMany(codes)]);
    const found = new Map<string, CouponRule>();
    coupons.forEach((c) => {
      if (c instanceof Error) throw c;
      if (c) found.set(c.code, c);
    });
    return costToWire(
      computeCost({
        subtotal: new Decimal(cart.subtotal?.amount ?? 0),
        itemCount: cart.totalQuantity ?? 0,
        couponCodes: codes,
        coupons: found,
        rates: this.defaultRates(table, cart.shippingCountry),
        currencyCode: this.deps.currencyCode,
        now: ctx.clock(),
      }),
    );
  }

  /** The final cost of a checkout from its captured prices, by the same rules, from Postgres; refuses a country the store does not ship to. */
  async quote(ctx: RequestContext, input: QuoteInput): Promise<QuoteResult> {
    const codes = uniqueCodes(input.couponCodes);
    const [table, rows] = await Promise.all([findCountryRates(this.deps.prisma), findCoupons(this.deps.prisma, codes)]);
    const country = input.shippingCountry?.trim().toUpperCase() || this.deps.defaultCountry;
    const rates = table.find((r) => r.country === country);
    if (!rates) return { ok: false, unknownCountry: country, supportedCountries: table.map((r) => r.country) };
    const subtotal = input.lines.reduce((sum, l) => sum.plus(new Decimal(l.unitPrice).times(l.quantity)), new Decimal(0));
    const itemCount = input.lines.reduce((sum, l) => sum + l.quantity, 0);
    const cost = computeCost({
      subtotal,
      itemCount,
      couponCodes: codes,
      coupons: new Map(rows.map((r) => [r.code, toCouponRule(r)])),
      rates,
      currencyCode: this.deps.currencyCode,
      now: ctx.clock(),
    });
    return { ok: true, cost: costToWire(cost) };
  }

  /** Countries the store ships to, from the cache (for clients). */
  async shippingCountries(ctx: RequestContext): Promise<ShippingCountry[]> {
    return (await ctx.loaders.countries()).map((r) => this.describe(r));
  }

  /** Countries the store ships to, from Postgres (for other services). */
  async countries(_ctx: RequestContext): Promise<{ defaultCountry: string; countries: ShippingCountry[] }> {
    return { defaultCountry: this.deps.defaultCountry, countries: (await findCountryRates(this.deps.prisma)).map((r) => this.describe(r)) };
  }

  /** Whether the store ships to `country` (ISO 3166-1 alpha-2, any case), from Postgres. */
  async validateCountry(_ctx: RequestContext, country: string): Promise<{ valid: boolean; country: string; supportedCountries: string[] }> {
    const code = country.trim().toUpperCase();
    const supported = (await findCountryRates(this.deps.prisma)).map((r) => r.country);
    return { valid: supported.includes(code), country: code, supportedCountries: supported };
  }

  /**
   * Sets the tax and shipping rates of a country (administrators only); the store ships there
   * from then on, and every cart view costed with the old rates is stale on every gateway.
   */
  async setCountryRates(ctx: RequestContext, input: { country: string; taxRate: string; shipping: string; freeShippingOver?: string | null }): Promise<ShippingCountry> {
    requireAdmin(ctx.identity);
    const rates = parseCountryRates(input);
    await upsertCountryRates(this.deps.prisma, rates);
    await Promise.all([this.deps.cache.invalidateCountries(), this.deps.tags.bump([RATES_TAG])]);
    return this.describe(rates);
  }

  private describe(rates: CountryRates): ShippingCountry {
    const { currencyCode, defaultCountry } = this.deps;
    return {
      code: rates.country,
      taxRate: new Decimal(rates.taxRate).toString(),
      shipping: money(rates.shipping, currencyCode),
      freeShippingOver: rates.freeOver === null ? null : money(rates.freeOver, currencyCode),
      isDefault: rates.country === defaultCountry,
    };
  }

  private defaultRates(table: readonly CountryRates[], country: string | null | undefined): CountryRates {
    const rates = ratesFor(table, country, this.deps.defaultCountry);
    // Configuration error: DEFAULT_COUNTRY must have tax and shipping rows.
    if (!rates) throw new Error(`no tax and shipping rates for the default country ${this.deps.defaultCountry}`);
    return rates;
  }
}

const COUNTRY = /^[A-Z]{2}$/;

function amountOf(value: string, field: string, max = MAX_AMOUNT): Decimal {
  let parsed: Decimal;
  try {
    parsed = new Decimal(value);
  } catch {
    throw badUserInput(`${field} must be a decimal such as "5.00".`, { field });
  }
  if (!parsed.isFinite() || parsed.isNegative() || parsed.greaterThan(max)) throw badUserInput(`${field} must be from 0 to ${max.toString()}.`, { field });
  return parsed;
}

/** Checks an admin's country rates: an ISO country code, a tax rate from 0 to 1 (at most 4 decimals), amounts in cents. */
export function parseCountryRates(input: { country: string; taxRate: string; shipping: string; freeShippingOver?: string | null }): CountryRates {
  const country = input.country.trim().toUpperCase();
  if (!COUNTRY.test(country)) throw badUserInput('country must be an ISO 3166-1 alpha-2 code such as "SG".', { field: 'country' });
  const taxRate = amountOf(input.taxRate, 'taxRate', new Decimal(1));
  if (taxRate.decimalPlaces() > 4) throw badUserInput('taxRate may have at most 4 decimals.', { field: 'taxRate' });
  const shipping = amountOf(input.shipping, 'shipping');
  if (!hasCents(shipping)) throw badUserInput('shipping must have at most 2 decimals.', { field: 'shipping' });
  const freeOver = input.freeShippingOver == null ? null : amountOf(input.freeShippingOver, 'freeShippingOver');
  if (freeOver && !hasCents(freeOver)) throw badUserInput('freeShippingOver must have at most 2 decimals.', { field: 'freeShippingOver' });
  return { country, taxRate: taxRate.toFixed(4), shipping: shipping.toFixed(2), freeOver: freeOver?.toFixed(2) ?? null };
}
