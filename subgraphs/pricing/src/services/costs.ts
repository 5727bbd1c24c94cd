/**
 * Costing carts: `Cart.cost` for cart views (from the fields the gateway brings along through
 * `@requires`, with cached coupons and rates) and `quote` for checkout (from the captured line
 * prices, reading coupons and rates from Postgres). Both use `computeCost`, so checkout charges
 * what the cart showed.
 */
import type { PrismaClient } from '../generated/prisma/client.ts';
import { findCoupons, toCouponRule } from '../data/coupons.ts';
import { findCountryRates } from '../data/countries.ts';
import type { Loaders } from '../data/loaders.ts';
import { computeCost, costToWire, normalizeCouponCode, ratesFor, type CostWire, type CountryRates, type CouponRule } from './cost.ts';
import { Decimal, money, type Money } from './money.ts';

/** A cart as the gateway sends it to pricing: its id plus the fields `Cart.cost` requires. */
export interface CartRef {
  id: string;
  subtotal?: { amount: string; currencyCode: string } | null;
  totalQuantity?: number | null;
  couponCodes?: readonly string[] | null;
  shippingCountry?: string | null;
}

export interface QuoteInput {
  lines: readonly { productId: string; quantity: number; unitPrice: string }[];
  couponCodes: readonly string[];
  shippingCountry?: string | null;
}

export type QuoteResult = { ok: true; cost: CostWire } | { ok: false; unknownCountry: string; supportedCountries: string[] };

/** A country the store ships to, as clients see it. */
export interface ShippingCountry {
  code: string;
  taxRate: string;
  shipping: Money;
  freeShippingOver: Money | null;
  isDefault: boolean;
}

export interface CostServiceDeps {
  prisma: PrismaClient;
  currencyCode: string;
  defaultCountry: string;
  now?: () => Date;
}

const uniqueCodes = (codes: readonly string[] | null | undefined) => [...new Set((codes ?? []).map(normalizeCouponCode))];

export function createCostService(deps: CostServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const { currencyCode, defaultCountry } = deps;

  const describe = (rates: CountryRates): ShippingCountry => ({
    code: rates.country,
    taxRate: new Decimal(rates.taxRate).toString(),
    shipping: money(rates.shipping, currencyCode),
    freeShippingOver: rates.freeOver === null ? null : money(rates.freeOver, currencyCode),
    isDefault: rates.country === defaultCountry,
  });

  function defaultRates(table: readonly CountryRates[], country: string | null | undefined): CountryRates {
    const rates = ratesFor(table, country, defaultCountry);
    // Configuration error: DEFAULT_COUNTRY must have tax and shipping rows.
    if (!rates) throw new Error(`no tax and shipping rates for the default country ${defaultCountry}`);
    return rates;
  }

  return {
    /**
     * The cost of a cart view. A shipping country the store no longer ships to (the cart checks
     * it when set, so only a later change of the tables does this) is costed as the default
     * country, and `country` says so; checkout (`quote`) refuses it instead.
     */
    async forCart(cart: CartRef, loaders: Loaders): Promise<CostWire> {
      const codes = uniqueCodes(cart.couponCodes);
      const [table, coupons] = await Promise.all([loaders.countries(), loaders.coupon.loadMany(codes)]);
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
          rates: defaultRates(table, cart.shippingCountry),
          currencyCode,
          now: now(),
        }),
      );
    },

    /** The final cost of a checkout from its captured prices; refuses a country the store does not ship to. */
    async quote(input: QuoteInput): Promise<QuoteResult> {
      const codes = uniqueCodes(input.couponCodes);
      const [table, rows] = await Promise.all([findCountryRates(deps.prisma), findCoupons(deps.prisma, codes)]);
      const country = input.shippingCountry?.trim().toUpperCase() || defaultCountry;
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
        currencyCode,
        now: now(),
      });
      return { ok: true, cost: costToWire(cost) };
    },

    /** Countries the store ships to, from the cache (for clients). */
    async shippingCountries(loaders: Loaders): Promise<ShippingCountry[]> {
      return (await loaders.countries()).map(describe);
    },

    /** Countries the store ships to, from Postgres (for other services). */
    async countries(): Promise<{ defaultCountry: string; countries: ShippingCountry[] }> {
      return { defaultCountry, countries: (await findCountryRates(deps.prisma)).map(describe) };
    },

    /** Whether the store ships to `country` (ISO 3166-1 alpha-2, any case), from Postgres. */
    async validateCountry(country: string): Promise<{ valid: boolean; country: string; supportedCountries: string[] }> {
      const code = country.trim().toUpperCase();
      const supported = (await findCountryRates(deps.prisma)).map((r) => r.country);
      return { valid: supported.includes(code), country: code, supportedCountries: supported };
    },
  };
}
export type CostService = ReturnType<typeof createCostService>;
