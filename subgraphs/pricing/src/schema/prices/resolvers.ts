/** Price resolvers: the current price of products, batched per request. */
import { GraphQLError } from 'graphql';
import type { Resolvers } from '../../generated/graphql.ts';
import { money } from '../../services/money.ts';

export const priceResolvers: Resolvers = {
  Product: {
    price: async (product, _, { loaders }) => {
      const price = await loaders.price.load(product.id);
      // A catalog product without a price is a data error, not a client one: it is masked.
      if (!price) throw new GraphQLError(`no price for product ${product.id}`);
      return money(price.amount, price.currencyCode);
    },
  },
};
