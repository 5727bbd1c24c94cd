/** Order resolvers: adapters from GraphQL to the order services. */
import Decimal from 'decimal.js';
import { DateTimeScalar, DecimalScalar, JSONScalar } from '@platform/server';
import type { Resolvers } from '../../generated/graphql.ts';
import type { AddressValue } from '../../services/checkout/input.ts';
import { cancelOrder } from '../../services/cancel.ts';
import { getOrder, listOrders, requireUser } from '../../services/orders.ts';

const money = (amount: Decimal.Value | { toFixed(dp: number): string }, currencyCode: string) => ({ amount: new Decimal(amount.toString()).toFixed(2), currencyCode });

export const orderResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Decimal: DecimalScalar,
  JSON: JSONScalar,
  Query: {
    order: (_, { id }, { identity, prisma }) => getOrder(prisma, requireUser(identity), id),
    orders: (_, args, { identity, prisma }) => listOrders(prisma, requireUser(identity), args),
  },
  Mutation: {
    cancelOrder: (_, { id }, { identity, cancel }) => cancelOrder(cancel, requireUser(identity, 'Sign in to cancel an order.'), id),
  },
  Order: {
    __resolveReference: async (ref, { identity, prisma }) => getOrder(prisma, requireUser(identity), ref.id),
    lines: async (o, _, { loaders }) => (await loaders.lines.load(o.id)).map((line) => ({ ...line, currencyCode: o.currencyCode })),
    subtotal: (o) => money(o.subtotal, o.currencyCode),
    discountTotal: (o) => money(o.discountTotal, o.currencyCode),
    shipping: (o) => money(o.shipping, o.currencyCode),
    tax: (o) => money(o.tax, o.currencyCode),
    total: (o) => money(o.total, o.currencyCode),
    shippingAddress: (o) => o.shippingAddress as unknown as AddressValue,
    payment: async (o, _, { loaders }) => {
      const charge = await loaders.charge.load(o.id);
      if (!charge) throw new Error(`order ${o.id} has no charge`);
      return charge;
    },
  },
  OrderLine: {
    product: (line) => ({ id: line.productId }),
    options: (line) => line.options ?? null,
    unitPrice: (line) => money(line.unitPrice, line.currencyCode),
    lineTotal: (line) => money(line.lineTotal, line.currencyCode),
  },
  Payment: {
    transactionId: (p) => p.transactionId ?? '',
    amount: (p) => money(p.amount, p.currencyCode),
  },
};
