/** Per-request context of the order subgraph. */
import type { Identity } from '@platform/auth';
import type { PrismaClient } from './generated/prisma/client.ts';
import { createOrderLoaders, type OrderLoaders } from './data/orders.ts';
import type { CancelDeps } from './services/cancel.ts';
import type { CheckoutService } from './services/checkout/service.ts';

export interface OrderContext {
  identity: Identity;
  prisma: PrismaClient;
  loaders: OrderLoaders;
  checkouts: CheckoutService;
  cancel: CancelDeps;
}

export function createContext(identity: Identity, base: Omit<OrderContext, 'identity' | 'loaders'>): OrderContext {
  return { ...base, identity, loaders: createOrderLoaders(base.prisma) };
}
