/** Checkout resolvers: adapters from GraphQL to the checkout service. */
import type { Resolvers } from '../../generated/graphql.ts';

const resolveResultType = (result: object) => ('__typename' in result ? result.__typename : 'Order') as never;

export const checkoutResolvers: Resolvers = {
  Mutation: {
    checkout: (_, { input }, ctx) => ctx.services.checkouts.checkout(ctx, input),
  },
  CheckoutResult: { __resolveType: resolveResultType },
  UserError: { __resolveType: resolveResultType },
};
