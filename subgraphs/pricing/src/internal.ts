/**
 * Internal operations of the pricing subgraph for other services: JSON POST to
 * `/internal/<op>`, accepted only with a signed service identity, never in the public schema.
 * Bad input is a 400 naming the offending field. They read Postgres, not the caches: they feed
 * what the cart captures and what checkout charges.
 *
 *   prices              {productIds}                            -> {items: [{productId, amount, currencyCode}]}
 *   validateCoupon      {code, subtotal?}                       -> {valid: true, code} | {valid: false, code, reason, message}
 *   countries           {}                                      -> {defaultCountry, countries: [ShippingCountry]}
 *   validateCountry     {country}                               -> {valid, country, supportedCountries}
 *   quote               {lines, couponCodes, shippingCountry?}  -> CartCost as JSON; 422 UNKNOWN_COUNTRY
 *   redeemCoupons       {checkoutKey, codes, subtotal}          -> {ok: true, redeemed} | {ok: false, failed: [{code, reason, message}]}
 *   reverseRedemptions  {checkoutKey}                           -> {reversed: [code]}
 */
import { HttpError, type InternalOperation } from '@platform/server';
import { z } from '@platform/config';
import type { PrismaClient } from './generated/prisma/client.ts';
import { findPrices } from './data/prices.ts';
import type { PricingServices } from './context.ts';

const productId = z.string().uuid();
const amount = z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, 'must be an amount such as "29.99"');
const couponCode = z.string().trim().min(1).max(64);
const checkoutKey = z.string().min(1).max(200);

const schemas = {
  prices: z.object({ productIds: z.array(productId).min(1).max(200) }),
  validateCoupon: z.object({ code: couponCode, subtotal: amount.optional() }),
  countries: z.object({}).optional(),
  validateCountry: z.object({ country: z.string().trim().min(1).max(8) }),
  quote: z.object({
    lines: z.array(z.object({ productId, quantity: z.number().int().min(1).max(999), unitPrice: amount })).max(200),
    couponCodes: z.array(couponCode).max(20).default([]),
    shippingCountry: z.string().regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code').nullish(),
  }),
  redeemCoupons: z.object({ checkoutKey, codes: z.array(couponCode).max(20), subtotal: amount }),
  reverseRedemptions: z.object({ checkoutKey }),
};

/** Validates a request body; a 400 that names the first offending field otherwise. */
function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw new HttpError(400, `invalid request: ${where} ${issue?.message ?? 'is invalid'}`, 'BAD_REQUEST');
}

export function internalOperations(prisma: PrismaClient, services: PricingServices): Record<string, InternalOperation> {
  const { coupons, costs } = services;
  return {
    /** Current prices of many products; products without a price are left out. */
    async prices(body) {
      const { productIds } = parse(schemas.prices, body);
      const rows = await findPrices(prisma, productIds);
      return { items: rows.map((r) => ({ productId: r.productId, amount: r.amount, currencyCode: r.currencyCode })) };
    },

    /** Whether a coupon applies now to a cart with this subtotal (the cart asks before applying a code). */
    async validateCoupon(body) {
      const { code, subtotal } = parse(schemas.validateCoupon, body);
      return coupons.validate(code, subtotal);
    },

    /** Countries the store ships to, with their rates. */
    async countries(body) {
      parse(schemas.countries, body);
      return costs.countries();
    },

    /** Whether the store ships to a country (the cart asks before setting it). */
    async validateCountry(body) {
      const { country } = parse(schemas.validateCountry, body);
      return costs.validateCountry(country);
    },

    /** The final cost of a checkout from its captured prices, by the same rules as `Cart.cost`. */
    async quote(body) {
      const result = await costs.quote(parse(schemas.quote, body));
      if (!result.ok) throw new HttpError(422, `the store does not ship to ${result.unknownCountry}`, 'UNKNOWN_COUNTRY');
      return result.cost;
    },

    /** Counts the checkout's coupon uses, all or nothing, idempotent per (code, checkoutKey). */
    async redeemCoupons(body) {
      const { checkoutKey, codes, subtotal } = parse(schemas.redeemCoupons, body);
      return coupons.redeem(checkoutKey, codes, subtotal);
    },

    /** Gives back the checkout's coupon uses; idempotent. */
    async reverseRedemptions(body) {
      const { checkoutKey } = parse(schemas.reverseRedemptions, body);
      return coupons.reverse(checkoutKey);
    },
  };
}
