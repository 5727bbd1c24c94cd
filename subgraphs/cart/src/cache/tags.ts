/** The cache tags of the cart's data (see `@platform/redis` tags): bumped by every writer, noted by every reader. */
import type { Owner } from '../data/carts.ts';

/** An owner's cart: what `cart`, `cartEvents` and shared views of it show. */
export const cartTag = (owner: Owner): string => `cart:${owner.ownerType}:${owner.ownerId}`;

/** A share link: whether it still shows a cart. */
export const shareTag = (token: string): string => `share:${token}`;
