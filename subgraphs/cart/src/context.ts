/** Per-request context of the cart subgraph. */
import type { Identity } from '@platform/auth';
import type { PrismaClient } from './generated/prisma/client.ts';
import { createCartLoader } from './data/carts.ts';
import type { CartService } from './services/cart.ts';

export interface CartContext {
  identity: Identity;
  prisma: PrismaClient;
  carts: CartService;
  loaders: { cart: ReturnType<typeof createCartLoader> };
  jwtSecret: string;
  guestSessionDays: number;
  currencyCode: string;
}

export function createContext(identity: Identity, base: Omit<CartContext, 'identity' | 'loaders'>): CartContext {
  return { ...base, identity, loaders: { cart: createCartLoader(base.prisma) } };
}
