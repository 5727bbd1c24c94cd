/** Flash-sale resolvers: adapters from GraphQL to the flash-sale services. */
import { DateTimeScalar, DecimalScalar } from '@platform/server';
import type { Resolvers } from '../../generated/graphql.ts';
import { unsold } from '../../services/flash-sales/rules.ts';

const resolveResultType = (result: object) => ('__typename' in result ? result.__typename : 'FlashSaleTicket') as never;

export const flashSaleResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Decimal: DecimalScalar,
  Query: {
    flashSale: (_, { id }, ctx) => ctx.services.flashSales.sale(ctx, id),
    flashSales: (_, { status }, ctx) => ctx.services.flashSales.list(ctx, status),
    flashSaleTicket: (_, { saleId }, ctx) => ctx.services.flashQueue.ticket(ctx, saleId),
  },
  Mutation: {
    joinFlashSale: (_, { saleId }, ctx) => ctx.services.flashQueue.join(ctx, saleId),
    createFlashSale: (_, { input }, ctx) => ctx.services.flashSales.create(ctx, input),
    endFlashSale: (_, { id }, ctx) => ctx.services.flashSales.end(ctx, id),
  },
  JoinFlashSaleResult: { __resolveType: resolveResultType },
  UserError: { __resolveType: resolveResultType },
  FlashSale: {
    __resolveReference: (ref, ctx) => ctx.services.flashSales.sale(ctx, ref.id),
    product: async (sale, _, { loaders }) => {
      const product = await loaders.product.load(sale.productId);
      if (!product) throw new Error(`flash sale ${sale.id}: product ${sale.productId} is gone`);
      return product;
    },
    price: (sale) => ({ amount: sale.price, currencyCode: sale.currencyCode }),
    remaining: (sale) => unsold(sale),
    status: (sale, _, ctx) => ctx.services.flashSales.status(ctx, sale),
    stats: (sale, _, ctx) => ctx.services.flashSales.stats(ctx, sale),
  },
};
