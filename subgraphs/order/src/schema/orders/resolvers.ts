/** Order resolvers: adapters from GraphQL to the order service. */
import { DateTimeScalar, DecimalScalar } from '@platform/server';
import type { Resolvers } from '../../generated/graphql.ts';
import { getOrder, listOrders, requireUser } from '../../services/orders.ts';

const money = (amount: { toFixed(dp: number): string }, currencyCode: string) => ({ amount: amount.toFixed(2), currencyCode });

export const orderResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Decimal: DecimalScalar,
  Query: {
    order: (_, { id }, { identity, prisma }) => getOrder(prisma, requireUser(identity), id),
    orders: (_, args, { identity, prisma }) => listOrders(prisma, requireUser(identity), args),
  },
  Order: {
    __resolveReference: async (ref, { identity, prisma }) => getOrder(prisma, requireUser(identity), ref.id),
    subtotal: (o) => money(o.subtotal, o.currencyCode),
    discountTotal: (o) => money(o.discountTotal, o.currencyCode),
    shipping: (o) => money(o.shipping, o.currencyCode),
    tax: (o) => money(o.tax, o.currencyCode),
    total: (o) => money(o.total, o.currencyCode),
  },
};
