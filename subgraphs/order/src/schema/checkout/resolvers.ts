/** Checkout resolvers: adapters from GraphQL to the checkout service. */
import type { Resolvers } from '../../generated/graphql.ts';
import { requireUser } from '../../services/orders.ts';

const resolveResultType = (result: object) => ('__typename' in result ? result.__typename : 'Order') as never;

export const checkoutResolvers: Resolvers = {
  Mutation: {
    checkout: (_, { input }, { identity, checkouts }) => checkouts.checkout(requireUser(identity, 'Sign in to check out.'), input),
  },
  CheckoutResult: { __resolveType: resolveResultType },
  UserError: { __resolveType: resolveResultType },
};
