/** Recommendation resolvers: adapters from GraphQL to the recommendation service. */
import type { Resolvers } from '../../generated/graphql.ts';

export const recommendationResolvers: Resolvers = {
  Product: {
    frequentlyBoughtWith: (product, args, ctx) => ctx.services.recommendations.frequentlyBoughtWith(ctx, product, args),
  },
  Cart: {
    recommendations: (cart, args, ctx) => ctx.services.recommendations.forCart(ctx, cart, args),
  },
};
