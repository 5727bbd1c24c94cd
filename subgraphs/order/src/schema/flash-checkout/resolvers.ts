/** Flash-sale checkout resolvers: adapters from GraphQL to the flash checkout service. */
import type { Resolvers } from '../../generated/graphql.ts';

const resolveResultType = (result: object) => ('__typename' in result ? result.__typename : 'Order') as never;

export const flashCheckoutResolvers: Resolvers = {
  Mutation: {
    checkoutFlashSale: (_, { input }, ctx) => ctx.services.flashCheckouts.checkoutFlashSale(ctx, input),
  },
  FlashSaleCheckoutResult: { __resolveType: resolveResultType },
};
