/** Cart analytics resolvers: adapters from GraphQL to the analytics service's window. */
import type { Resolvers } from '../../generated/graphql.ts';

export const analyticsResolvers: Resolvers = {
  Query: {
    cartAnalytics: (_, args, ctx) => ctx.services.analytics.window(ctx, args),
  },
  CartAnalytics: {
    cartsCreated: async (w) => (await w.totals()).cartsCreated,
    cartsCheckedOut: async (w) => (await w.totals()).cartsCheckedOut,
    abandonmentRate: async (w) => (await w.totals()).abandonmentRate,
    medianSecondsToCheckout: async (w) => (await w.checkoutTimes()).median,
    p90SecondsToCheckout: async (w) => (await w.checkoutTimes()).p90,
    addedNotPurchased: (w, { first }) => w.addedNotPurchased(first),
    mostRemoved: (w, { first }) => w.mostRemoved(first),
    addsByHour: (w) => w.addsByHour(),
  },
};
