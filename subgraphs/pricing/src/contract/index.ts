/**
 * The pricing subgraph's internal operations, as its callers (cart, order) see them: the input
 * and answer schema of each, the types inferred from them, and a typed client. Served by
 * `../internal.ts`. What checkout charges (quote, redemptions, countries) is read from Postgres;
 * the prices the cart captures come from the write-through price cache. Schemas and types only,
 * and the cache tag a `prices` answer is guarded by (`priceTag`): every price change bumps it.
 *
 *   prices              {productIds}                            -> {items: [{productId, amount, currencyCode}]}
 *   validateCoupon      {code, subtotal?}                       -> {valid: true, code} | {valid: false, code, reason, message}
 *   countries           {}                                      -> {defaultCountry, countries: [ShippingCountry]}
 *   validateCountry     {country}                               -> {valid, country, supportedCountries}
 *   quote               {lines, couponCodes, shippingCountry?}  -> CartCost; refused 422 UNKNOWN_COUNTRY
 *   redeemCoupons       {checkoutKey, codes, subtotal}          -> {ok: true, redeemed} | {ok: false, failed: [{code, reason, message}]}
 *   reverseRedemptions  {checkoutKey}                           -> {reversed: [code]}
 */
import { z } from '@platform/config';
import { createContractClient, defineContract, type ContractClient, type InternalClientOptions, type OutputOf } from '@platform/server';

/**
 * The cache tag of one product's current price, bumped after every change of it (see
 * `@platform/redis` tags): part of this contract, since callers may remember a `prices` answer
 * while its tag is unchanged.
 */
export const priceTag = (productId: string): string => `price:${productId}`;

const productId = z.string().uuid();
const amount = z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, 'must be an amount such as "29.99"');
const couponCode = z.string().trim().min(1).max(64);
const checkoutKey = z.string().min(1).max(200);

const money = z.object({ amount: z.string(), currencyCode: z.string() });
const couponReason = z.enum(['UNKNOWN', 'EXPIRED', 'NOT_YET_VALID', 'MINIMUM_NOT_MET', 'EXHAUSTED']);
const couponProblem = z.object({ code: z.string(), reason: couponReason, message: z.string() });
const shippingCountry = z.object({ code: z.string(), taxRate: z.string(), shipping: money, freeShippingOver: money.nullable(), isDefault: z.boolean() });

/** What a cart costs: `Cart.cost` in the public schema and the answer of `quote`. */
const cartCost = z.object({
  subtotal: money,
  discounts: z.array(z.object({ code: z.string(), description: z.string(), amount: money })),
  discountTotal: money,
  shipping: money,
  taxRate: z.string(),
  tax: money,
  total: money,
  invalidCoupons: z.array(couponProblem),
  country: z.string(),
  amountToFreeShipping: money.nullable(),
});

export const pricingContract = defineContract('pricing', {
  /** Current prices of many products; products without a price are left out. */
  prices: {
    input: z.object({ productIds: z.array(productId).min(1).max(200) }),
    output: z.object({ items: z.array(z.object({ productId: z.string(), amount, currencyCode: z.string() })) }),
  },
  /** Whether a coupon applies now to a cart with this subtotal (the cart asks before applying a code). */
  validateCoupon: {
    input: z.object({ code: couponCode, subtotal: amount.optional() }),
    output: z.discriminatedUnion('valid', [z.object({ valid: z.literal(true), code: z.string() }), z.object({ valid: z.literal(false), code: z.string(), reason: couponReason, message: z.string() })]),
  },
  /** Countries the store ships to, with their rates. */
  countries: {
    input: z.object({}).optional(),
    output: z.object({ defaultCountry: z.string(), countries: z.array(shippingCountry) }),
  },
  /** Whether the store ships to a country (the cart asks before setting it). */
  validateCountry: {
    input: z.object({ country: z.string().trim().min(1).max(8) }),
    output: z.object({ valid: z.boolean(), country: z.string(), supportedCountries: z.array(z.string()) }),
  },
  /** The final cost of a checkout from its captured prices, by the same rules as `Cart.cost`. */
  quote: {
    input: z.object({
      lines: z.array(z.object({ productId, quantity: z.number().int().min(1).max(999), unitPrice: amount })).max(200),
      couponCodes: z.array(couponCode).max(20).default([]),
      shippingCountry: z.string().regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code').nullish(),
    }),
    output: cartCost,
    refusals: { UNKNOWN_COUNTRY: 422 },
  },
  /** Counts the checkout's coupon uses, all or nothing, idempotent per (code, checkoutKey). */
  redeemCoupons: {
    input: z.object({ checkoutKey, codes: z.array(couponCode).max(20), subtotal: amount }),
    output: z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), redeemed: z.array(z.string()) }), z.object({ ok: z.literal(false), failed: z.array(couponProblem) })]),
    write: true,
  },
  /** Gives back the checkout's coupon uses; idempotent. */
  reverseRedemptions: {
    input: z.object({ checkoutKey }),
    output: z.object({ reversed: z.array(z.string()) }),
    write: true,
  },
});

type Ops = (typeof pricingContract)['operations'];
export type Money = z.infer<typeof money>;
export type CouponReason = z.infer<typeof couponReason>;
export type CouponProblem = z.infer<typeof couponProblem>;
export type CartCost = z.infer<typeof cartCost>;
export type ShippingCountry = z.infer<typeof shippingCountry>;
export type CurrentPrice = OutputOf<Ops['prices']>['items'][number];
export type CouponCheck = OutputOf<Ops['validateCoupon']>;
export type QuoteInput = z.output<Ops['quote']['input']>;
export type RedeemResult = OutputOf<Ops['redeemCoupons']>;

export type PricingClient = ContractClient<Ops>;

/** A client of the pricing subgraph's internal operations. */
export const pricingClient = (options: Omit<InternalClientOptions, 'service'>): PricingClient => createContractClient(pricingContract, options);
