/** Per-request context of the product subgraph: the caller and fresh DataLoaders. */
import type { Identity } from '@platform/auth';
import type { PrismaClient } from './generated/prisma/client.ts';
import { createLoaders, type Loaders } from './data/loaders.ts';

export interface ProductContext {
  identity: Identity;
  prisma: PrismaClient;
  loaders: Loaders;
}

export function createContext(identity: Identity, prisma: PrismaClient): ProductContext {
  return { identity, prisma, loaders: createLoaders(prisma) };
}
