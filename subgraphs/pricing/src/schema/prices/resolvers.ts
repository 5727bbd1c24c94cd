/** Pricing resolvers: adapters from GraphQL to the price, coupon and cost services. */
import { DateTimeScalar, DecimalScalar } from '@platform/server';
import type { Resolvers } from '../../generated/graphql.ts';
import { couponDescription } from '../../services/cost-rules.ts';
import { toCouponRule } from '../../data/coupons.ts';

export const priceResolvers: Resolvers = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
  Query: {
    shippingCountries: (_, __, ctx) => ctx.services.costs.shippingCountries(ctx),
    coupon: (_, { code }, ctx) => ctx.services.coupons.get(ctx, code),
  },
  Mutation: {
    setPrice: (_, { productId, amount }, ctx) => ctx.services.prices.setPrice(ctx, { productId, amount }),
    createCoupon: (_, { input }, ctx) => ctx.services.coupons.create(ctx, input),
    setCountryRates: (_, { input }, ctx) => ctx.services.costs.setCountryRates(ctx, input),
  },
  Product: {
    price: (product, _, ctx) => ctx.services.prices.productPrice(ctx, product),
  },
  CartLine: {
    // Both fields load the product through the request's loader: one batch for all lines.
    currentUnitPrice: (line, _, ctx) => ctx.services.prices.currentUnitPrice(ctx, line),
    priceChanged: (line, _, ctx) => ctx.services.prices.priceChanged(ctx, line),
  },
  Cart: {
    cost: (cart, _, ctx) => ctx.services.costs.forCart(ctx, cart),
  },
  Coupon: {
    value: (coupon) => coupon.value.toFixed(2),
    minSubtotal: (coupon) => coupon.minSubtotal?.toFixed(2) ?? null,
    description: (coupon, _, { currencyCode }) => couponDescription(toCouponRule(coupon), currencyCode),
  },
};
