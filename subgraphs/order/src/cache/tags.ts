import type { TagStore } from '@platform/redis';
import type { WriteRecorder } from '@platform/server';
/** The cache tags of the order subgraph's data (see `@platform/redis` tags): bumped by every writer, noted by every reader. */

/** A user's orders: the history and each order in it. */
export const ordersTag = (userId: string): string => `orders:${userId}`;

/** After a user's orders changed (committed): their cached reads go stale, and their next reads see the change (read-your-writes on a replica). */
export async function ordersChanged(deps: { tags: TagStore; reads?: WriteRecorder | undefined }, userId: string): Promise<void> {
  await Promise.all([deps.tags.bump([ordersTag(userId)]), deps.reads?.noteWrite(userId)]);
}
