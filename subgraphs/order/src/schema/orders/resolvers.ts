/** Order resolvers: adapters from GraphQL to the order services. */
import Decimal from 'decimal.js';
import { DateTimeScalar, DecimalScalar, JSONScalar } from '@platform/server';
import type { Resolvers } from '../../generated/graphql.ts';
import type { AddressValue } from '../../data/checkouts.ts';

const money = (amount: Decimal.Value | { toFixed(dp: number): string }, currencyCode: string) => ({ amount: new Decimal(amount.toString()).toFixed(2), currencyCode });

export const orderResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Decimal: DecimalScalar,
  JSON: JSONScalar,
  Query: {
    order: (_, { id }, ctx) => ctx.services.orders.order(ctx, id),
    orders: (_, args, ctx) => ctx.services.orders.orders(ctx, args),
  },
  Mutation: {
    cancelOrder: (_, { id }, ctx) => ctx.services.orders.cancel(ctx, id),
  },
  Order: {
    __resolveReference: (ref, ctx) => ctx.services.orders.order(ctx, ref.id),
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
