/** Per-request context of the pricing subgraph. */
import type { Identity } from '@platform/auth';
import type { PrismaClient } from './generated/prisma/client.ts';
import { createLoaders, type Loaders } from './data/loaders.ts';

export interface PricingContext {
  identity: Identity;
  prisma: PrismaClient;
  loaders: Loaders;
  currencyCode: string;
}

export function createContext(identity: Identity, prisma: PrismaClient, currencyCode: string): PricingContext {
  return { identity, prisma, loaders: createLoaders(prisma), currencyCode };
}
