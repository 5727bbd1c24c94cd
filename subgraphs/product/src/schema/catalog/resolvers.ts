/** Catalog resolvers: adapters from GraphQL to the catalog and inventory services and the per-request loaders. */
import { JSONScalar } from '@platform/server';
import { requireAdmin } from '@platform/auth';
import { isUuid } from '@platform/errors';
import type { Resolvers } from '../../generated/graphql.ts';
import { listProducts } from '../../services/catalog.ts';
import { upsertProduct } from '../../services/products.ts';
import { notFound } from '../../services/errors.ts';

export const catalogResolvers: Resolvers = {
  JSON: JSONScalar,
  Query: {
    product: (_, { id }, { loaders }) => (isUuid(id) ? loaders.product.load(id.toLowerCase()) : null),
    products: (_, args, { prisma }) => listProducts(prisma, args),
    categories: (_, __, { loaders }) => loaders.categories(),
  },
  Mutation: {
    upsertProduct: (_, { input }, ctx) => {
      requireAdmin(ctx.identity);
      return upsertProduct(ctx, input);
    },
    setStock: async (_, { productId, onHand }, ctx) => {
      const adminId = requireAdmin(ctx.identity);
      if (!isUuid(productId)) throw notFound('productId');
      const id = productId.toLowerCase();
      await ctx.inventory.setStock(id, onHand, `admin:${adminId}`);
      const product = await ctx.loaders.product.load(id);
      if (!product) throw notFound('productId');
      return product;
    },
  },
  ProductConnection: {
    totalCount: (page) => page.count(),
  },
  Product: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.product.load(ref.id.toLowerCase()) : null),
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
