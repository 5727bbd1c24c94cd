/** Cart resolvers: adapters from GraphQL to the cart service. */
import Decimal from 'decimal.js';
import { badUserInput, isUuid } from '@platform/errors';
import { DateTimeScalar, DecimalScalar, JSONScalar } from '@platform/server';
import type { Resolvers } from '../../generated/graphql.ts';
import { ownerOf } from '../../services/owner.ts';
import { startGuestSession } from '../../services/guest-session.ts';
import type { LineOptions } from '../../services/options.ts';

const money = (amount: Decimal.Value, currencyCode: string) => ({ amount: new Decimal(amount).toFixed(2), currencyCode });

/** Options are a flat object of short strings (at most 2 KB as JSON). */
function parseOptions(options: unknown): LineOptions | null {
  if (options == null) return null;
  const valid =
    typeof options === 'object' &&
    !Array.isArray(options) &&
    JSON.stringify(options).length <= 2048 &&
    Object.entries(options).every(([k, v]) => k.length > 0 && k.length <= 50 && typeof v === 'string' && v.length <= 100);
  if (!valid) throw badUserInput('`options` must be a flat object of short strings, at most 2 KB.', { field: 'options' });
  return options as LineOptions;
}

export const cartResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Decimal: DecimalScalar,
  JSON: JSONScalar,
  Query: {
    cart: (_, __, { identity, carts }) => carts.getCart(ownerOf(identity)),
  },
  Mutation: {
    startGuestSession: (_, __, { prisma, jwtSecret, guestSessionDays }) => startGuestSession(prisma, { jwtSecret, days: guestSessionDays }),
    addCartLine: (_, { input }, { identity, carts }) => carts.addLine(ownerOf(identity), { ...input, options: parseOptions(input.options) }),
  },
  Cart: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.cart.load(ref.id) : null),
    lines: (cart) => cart.lines.filter((l) => !l.savedForLater),
    savedForLater: (cart) => cart.lines.filter((l) => l.savedForLater),
    totalQuantity: (cart) => cart.lines.reduce((sum, l) => (l.savedForLater ? sum : sum + l.quantity), 0),
    subtotal: (cart, _, { currencyCode }) =>
      money(cart.lines.reduce((sum, l) => (l.savedForLater ? sum : sum.plus(new Decimal(l.unitPrice.toString()).times(l.quantity))), new Decimal(0)), currencyCode),
  },
  CartLine: {
    product: (line) => ({ id: line.productId }),
    options: (line) => line.options ?? null,
    unitPrice: (line) => money(line.unitPrice.toString(), line.currencyCode),
    lineTotal: (line) => money(new Decimal(line.unitPrice.toString()).times(line.quantity), line.currencyCode),
  },
  CartMutationResult: {
    __resolveType: (result) => ('__typename' in result && typeof result.__typename === 'string' ? result.__typename : 'Cart') as never,
  },
};
