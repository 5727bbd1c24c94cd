/** Per-request context of the cart subgraph. */
import type { Identity } from '@platform/auth';
import type { PrismaClient } from './generated/prisma/client.ts';
import { createCartLoader, createLineLoader } from './data/carts.ts';
import type { CartService } from './services/cart.ts';
import type { MergeDeps } from './services/merge.ts';

export interface CartContext {
  identity: Identity;
  prisma: PrismaClient;
  carts: CartService;
  merge: MergeDeps;
  loaders: { cart: ReturnType<typeof createCartLoader>; line: ReturnType<typeof createLineLoader> };
  jwtSecret: string;
  guestSessionDays: number;
  shareDays: number;
  currencyCode: string;
}

export function createContext(identity: Identity, base: Omit<CartContext, 'identity' | 'loaders'>): CartContext {
  return { ...base, identity, loaders: { cart: createCartLoader(base.prisma), line: createLineLoader(base.prisma) } };
}
