/** Catalog resolvers: adapters from GraphQL to the catalog, product and inventory services. */
import { JSONScalar } from '@platform/server';
import { isUuid } from '@platform/errors';
import type { Resolvers } from '../../generated/graphql.ts';

export const catalogResolvers: Resolvers = {
  JSON: JSONScalar,
  Query: {
    product: (_, { id }, ctx) => ctx.services.catalog.product(ctx, id),
    products: (_, args, ctx) => ctx.services.catalog.listProducts(ctx, args),
    categories: (_, __, ctx) => ctx.services.catalog.categories(ctx),
  },
  Mutation: {
    upsertProduct: (_, { input }, ctx) => ctx.services.products.upsert(ctx, input),
    setStock: (_, { productId, onHand }, ctx) => ctx.services.products.setStock(ctx, { productId, onHand }),
  },
  ProductConnection: {
    totalCount: (page) => page.count(),
  },
  Product: {
    __resolveReference: (ref, ctx) => (isUuid(ref.id) ? ctx.loaders.product.load(ref.id.toLowerCase()) : null),
    category: (product, _, { loaders }) => (product.categoryId ? loaders.category.load(product.categoryId) : null),
    attributes: (product) => product.attributes ?? null,
    availability: (product, _, ctx) => ctx.services.catalog.availability(ctx, product),
  },
  Category: {
    parent: (category, _, { loaders }) => (category.parentId ? loaders.category.load(category.parentId) : null),
  },
};
