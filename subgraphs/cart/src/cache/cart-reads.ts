/**
 * Cart reads by owner, cache-aside: the Redis hash first, Postgres on a miss (or without Redis),
 * and the cache filled with what Postgres said unless a newer write got there first.
 */
import type { PrismaClient } from '../generated/prisma/client.ts';
import { findCartByOwner, type CartView, type Owner } from '../data/carts.ts';
import type { CartCache } from './cart-cache.ts';

export interface CartReads {
  /** The owner's cart, null before its first change; at least as new as the owner's last acknowledged write. */
  byOwner(owner: Owner): Promise<CartView | null>;
}

export function createCartReads(prisma: PrismaClient, cache: CartCache): CartReads {
  return {
    async byOwner(owner) {
      const cached = await cache.get(owner);
      if (cached.hit) return cached.cart;
      const cart = await findCartByOwner(prisma, owner);
      await cache.set(owner, cart);
      return cart;
    },
  };
}
