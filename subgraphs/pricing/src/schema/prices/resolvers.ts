/** Pricing resolvers: adapters from GraphQL to the price, coupon and cost services. */
import { requireAdmin } from '@platform/auth';
import { DateTimeScalar, DecimalScalar } from '@platform/server';
import type { Resolvers } from '../../generated/graphql.ts';
import { couponDescription } from '../../services/cost.ts';
import { hasPriceChanged } from '../../services/prices.ts';
import { toCouponRule } from '../../data/coupons.ts';

export const priceResolvers: Resolvers = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
  Query: {
    shippingCountries: (_, __, { costs, loaders }) => costs.shippingCountries(loaders),
    coupon: (_, { code }, { identity, coupons }) => {
      requireAdmin(identity);
      return coupons.get(code);
    },
  },
  Mutation: {
    setPrice: (_, { productId, amount }, { identity, prices }) => {
      requireAdmin(identity);
      return prices.setPrice(productId, amount);
    },
    createCoupon: (_, { input }, { identity, coupons }) => {
      requireAdmin(identity);
      return coupons.create(input);
    },
  },
  Product: {
    price: (product, _, { prices, loaders }) => prices.productPrice(product, loaders),
  },
  CartLine: {
    // Both fields load the product through the request's loader: one batch for all lines.
    currentUnitPrice: (line, _, { prices, loaders }) => prices.currentUnitPrice(line, loaders),
    priceChanged: async (line, _, { prices, loaders }) => hasPriceChanged(line, await prices.currentUnitPrice(line, loaders)),
  },
  Cart: {
    cost: (cart, _, { costs, loaders }) => costs.forCart(cart, loaders),
  },
  Coupon: {
    value: (coupon) => coupon.value.toFixed(2),
    minSubtotal: (coupon) => coupon.minSubtotal?.toFixed(2) ?? null,
    description: (coupon, _, { currencyCode }) => couponDescription(toCouponRule(coupon), currencyCode),
  },
};
