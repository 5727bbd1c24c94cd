/** Cart resolvers: adapters from GraphQL to the cart services. */
import { badUserInput, isUuid } from '@platform/errors';
import { DateTimeScalar, DecimalScalar, JSONScalar } from '@platform/server';
import Decimal from 'decimal.js';
import type { Resolvers } from '../../generated/graphql.ts';
import { activeLines, lineTotal, savedLines, subtotal, totalQuantity } from '../../services/cart-rules.ts';

const money = (amount: Decimal.Value, currencyCode: string) => ({ amount: new Decimal(amount).toFixed(2), currencyCode });
const resolveResultType = (result: object) => ('__typename' in result ? result.__typename : 'Cart') as never;

export const cartResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Decimal: DecimalScalar,
  JSON: JSONScalar,
  Query: {
    cart: (_, __, ctx) => ctx.services.carts.getCart(ctx),
    sharedCart: (_, { token }, ctx) => ctx.services.shares.sharedCart(ctx, token),
    cartEvents: (_, args, ctx) => ctx.services.history.cartEvents(ctx, args),
  },
  Mutation: {
    startGuestSession: (_, __, ctx) => ctx.services.guestSessions.start(ctx),
    addCartLine: (_, { input }, ctx) => ctx.services.carts.addLine(ctx, input),
    updateCartLine: (_, { input }, ctx) => ctx.services.carts.updateLine(ctx, input),
    removeCartLine: (_, { input }, ctx) => ctx.services.carts.removeLine(ctx, input),
    clearCart: (_, { input }, ctx) => ctx.services.carts.clear(ctx, input ?? {}),
    saveLineForLater: (_, { input }, ctx) => ctx.services.carts.saveForLater(ctx, input),
    moveSavedLineToCart: (_, { input }, ctx) => ctx.services.carts.moveToCart(ctx, input),
    applyCouponCode: (_, { input }, ctx) => ctx.services.carts.applyCoupon(ctx, input),
    removeCouponCode: (_, { input }, ctx) => ctx.services.carts.removeCoupon(ctx, input),
    setShippingCountry: (_, { input }, ctx) => ctx.services.carts.setShippingCountry(ctx, input),
    mergeGuestCart: async (_, { input }, ctx) => {
      const result = await ctx.services.merge.mergeGuestCart(ctx, input);
      // The result type is not a union, so a reused key is reported as a GraphQL error.
      if ('code' in result) throw badUserInput(result.message, { reason: result.code, field: 'idempotencyKey' });
      return result;
    },
    shareCart: (_, __, ctx) => ctx.services.shares.share(ctx),
    revokeCartShare: (_, { token }, ctx) => ctx.services.shares.revoke(ctx, token),
  },
  Cart: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.cart.load(ref.id) : null),
    lines: (cart) => activeLines(cart),
    savedForLater: (cart) => savedLines(cart),
    totalQuantity: (cart) => totalQuantity(cart),
    stockUnverified: (cart) => cart.stockUnverified === true,
    subtotal: (cart, _, { currencyCode }) => money(subtotal(cart), currencyCode),
  },
  CartLine: {
    __resolveReference: (ref: { id: string }, { loaders }) => (isUuid(ref.id) ? loaders.line.load(ref.id) : null),
    product: (line) => ({ id: line.productId }),
    unitPrice: (line) => money(line.unitPrice, line.currencyCode),
    lineTotal: (line) => money(lineTotal(line), line.currencyCode),
  },
  CartEvent: {
    quantity: (event) => event.quantity ?? null,
  },
  CartMutationResult: { __resolveType: resolveResultType },
  UserError: { __resolveType: resolveResultType },
};
