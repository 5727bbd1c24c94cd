/** Catalog resolvers: adapters from GraphQL to the catalog service and the per-request loaders. */
import { JSONScalar } from '@platform/server';
import { isUuid } from '@platform/errors';
import type { Resolvers } from '../../generated/graphql.ts';
import { listProducts } from '../../services/catalog.ts';

export const catalogResolvers: Resolvers = {
  JSON: JSONScalar,
  Query: {
    product: (_, { id }, { loaders }) => (isUuid(id) ? loaders.product.load(id) : null),
    products: (_, args, { prisma }) => listProducts(prisma, args),
    categories: (_, __, { prisma }) => prisma.category.findMany({ orderBy: [{ path: 'asc' }] }),
  },
  Product: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.product.load(ref.id) : null),
    category: (product, _, { loaders }) => (product.categoryId ? loaders.category.load(product.categoryId) : null),
    attributes: (product) => product.attributes ?? null,
    availability: async (product, _, { loaders }) => {
      const { availableQuantity } = await loaders.availability.load(product.id);
      return { inStock: availableQuantity > 0, availableQuantity };
    },
  },
  Category: {
    parent: (category, _, { loaders }) => (category.parentId ? loaders.category.load(category.parentId) : null),
  },
};
