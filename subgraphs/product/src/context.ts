/** Per-request context of the product subgraph: the caller, fresh DataLoaders and the services. */
import type { Identity } from '@platform/auth';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { CatalogCache } from './cache/catalog-cache.ts';
import { createLoaders, type Loaders } from './data/loaders.ts';
import type { InventoryService } from './services/inventory.ts';

/** What lives as long as the subgraph: shared by every request. */
export interface ProductDeps {
  prisma: PrismaClient;
  cache: CatalogCache;
  inventory: InventoryService;
}

export interface ProductContext extends ProductDeps {
  identity: Identity;
  loaders: Loaders;
}

/** Builds the context of one request from the verified caller and the subgraph's long-lived parts. */
export function createContext(identity: Identity, deps: ProductDeps): ProductContext {
  return { ...deps, identity, loaders: createLoaders(deps) };
}
