/** Cart resolvers: adapters from GraphQL to the cart services. */
import Decimal from 'decimal.js';
import { badUserInput, isUuid, unauthenticated } from '@platform/errors';
import { DateTimeScalar, DecimalScalar, JSONScalar } from '@platform/server';
import type { Resolvers } from '../../generated/graphql.ts';
import type { CartView } from '../../data/carts.ts';
import { ownerOf } from '../../services/owner.ts';
import { startGuestSession } from '../../services/guest-session.ts';
import { mergeGuestCart } from '../../services/merge.ts';
import { revokeCartShare, shareCart, sharedCart } from '../../services/share.ts';
import { cartEvents } from '../../services/history.ts';

const money = (amount: Decimal.Value, currencyCode: string) => ({ amount: new Decimal(amount).toFixed(2), currencyCode });
const active = (cart: CartView) => cart.lines.filter((l) => !l.savedForLater);
const resolveResultType = (result: object) => ('__typename' in result ? result.__typename : 'Cart') as never;

export const cartResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Decimal: DecimalScalar,
  JSON: JSONScalar,
  Query: {
    cart: (_, __, { identity, carts }) => carts.getCart(ownerOf(identity)),
    sharedCart: (_, { token }, { prisma, carts }) => sharedCart(prisma, token, carts.now()),
    cartEvents: (_, args, { identity, prisma }) => cartEvents(prisma, ownerOf(identity), args),
  },
  Mutation: {
    startGuestSession: (_, __, { prisma, jwtSecret, guestSessionDays }) => startGuestSession(prisma, { jwtSecret, days: guestSessionDays }),
    addCartLine: (_, { input }, { identity, carts }) => carts.addLine(ownerOf(identity), input),
    updateCartLine: (_, { input }, { identity, carts }) => carts.updateLine(ownerOf(identity), input),
    removeCartLine: (_, { input }, { identity, carts }) => carts.removeLine(ownerOf(identity), input),
    clearCart: (_, { input }, { identity, carts }) => carts.clear(ownerOf(identity), input ?? {}),
    saveLineForLater: (_, { input }, { identity, carts }) => carts.saveForLater(ownerOf(identity), input),
    moveSavedLineToCart: (_, { input }, { identity, carts }) => carts.moveToCart(ownerOf(identity), input),
    applyCouponCode: (_, { input }, { identity, carts }) => carts.applyCoupon(ownerOf(identity), input),
    removeCouponCode: (_, { input }, { identity, carts }) => carts.removeCoupon(ownerOf(identity), input),
    setShippingCountry: (_, { input }, { identity, carts }) => carts.setShippingCountry(ownerOf(identity), input),
    mergeGuestCart: async (_, { input }, { identity, merge }) => {
      if (identity.kind !== 'user') throw unauthenticated('Sign in to merge a guest cart into your cart.');
      const result = await mergeGuestCart(merge, ownerOf(identity), input);
      // The result type is not a union, so a reused key is reported as a GraphQL error.
      if ('code' in result) throw badUserInput(result.message, { reason: result.code, field: 'idempotencyKey' });
      return result;
    },
    shareCart: (_, __, { identity, prisma, carts, shareDays }) => shareCart(prisma, carts, ownerOf(identity), shareDays),
    revokeCartShare: (_, { token }, { identity, prisma, carts }) => revokeCartShare(prisma, ownerOf(identity), token, carts.now()),
  },
  Cart: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.cart.load(ref.id) : null),
    lines: (cart) => active(cart),
    savedForLater: (cart) => cart.lines.filter((l) => l.savedForLater),
    totalQuantity: (cart) => active(cart).reduce((sum, l) => sum + l.quantity, 0),
    subtotal: (cart, _, { currencyCode }) => money(active(cart).reduce((sum, l) => sum.plus(new Decimal(l.unitPrice).times(l.quantity)), new Decimal(0)), currencyCode),
  },
  CartLine: {
    __resolveReference: (ref: { id: string }, { loaders }) => (isUuid(ref.id) ? loaders.line.load(ref.id) : null),
    product: (line) => ({ id: line.productId }),
    unitPrice: (line) => money(line.unitPrice, line.currencyCode),
    lineTotal: (line) => money(new Decimal(line.unitPrice).times(line.quantity), line.currencyCode),
  },
  CartEvent: {
    quantity: (event) => event.quantity ?? null,
  },
  CartMutationResult: { __resolveType: resolveResultType },
  UserError: { __resolveType: resolveResultType },
};
