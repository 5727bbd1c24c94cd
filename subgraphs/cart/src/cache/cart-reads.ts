/**
 * Cart reads by owner, cache-aside: the Redis hash first, Postgres on a miss (or without Redis),
 * and the cache filled with what Postgres said unless a newer write got there first.
 */
import type { CacheTags, SqlExecutor } from '@platform/server';
import { findCartByOwner, type CartView, type Owner } from '../data/carts.ts';
import type { CartCache } from './cart-cache.ts';
import { cartTag } from './tags.ts';

export interface CartReads {
  /** The owner's cart, null before its first change; at least as new as the owner's last acknowledged write. Notes its cache tag in `tags`. */
  byOwner(owner: Owner, tags?: CacheTags | null): Promise<CartView | null>;
}

export function createCartReads(db: SqlExecutor, cache: CartCache): CartReads {
  return {
    async byOwner(owner, tags) {
      // The tag is read before the cart (same tick, same pipeline): its token is never newer than the data.
      const [, cached] = await Promise.all([tags?.guard([cartTag(owner)]), cache.get(owner)]);
      if (cached.hit) return cached.cart;
      const cart = await findCartByOwner(db, owner);
      await cache.set(owner, cart);
      return cart;
    },
  };
}
