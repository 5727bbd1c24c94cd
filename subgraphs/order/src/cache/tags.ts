/** The cache tags of the order subgraph's data (see `@platform/redis` tags): bumped by every writer, noted by every reader. */

/** A user's orders: the history and each order in it. */
export const ordersTag = (userId: string): string => `orders:${userId}`;
