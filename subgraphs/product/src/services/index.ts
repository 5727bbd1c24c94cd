/** The product subgraph's services, built once at start-up and shared by every request. */
import type { TagStore } from '@platform/redis';
import type { CatalogCache } from '../cache/catalog-cache.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { CatalogService } from './catalog-service.ts';
import { InventoryService, type InventoryDeps } from './inventory-service.ts';
import { ProductService } from './product-service.ts';

export function createProductServices(deps: { prisma: PrismaClient; cache: CatalogCache; tags: TagStore }, settings: Omit<InventoryDeps, 'prisma' | 'cache' | 'tags'>) {
  const inventory = new InventoryService({ ...deps, ...settings });
  return {
    catalog: new CatalogService({ prisma: deps.prisma }),
    products: new ProductService({ ...deps, inventory }),
    inventory,
  };
}
export type ProductServices = ReturnType<typeof createProductServices>;
