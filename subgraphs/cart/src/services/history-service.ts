/** The caller's cart history (the event log), for catching up after a reconnect. */
import { badUserInput } from '@platform/errors';
import { cartTag } from '../cache/tags.ts';
import type { SqlExecutor } from '@platform/server';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { findCartIdByOwner } from '../data/carts.ts';
import { findEvents, type CartEvent } from '../data/outbox.ts';
import { requireOwner, type RequestContext } from '../request-context.ts';

export const MAX_EVENTS_PAGE = 500;

export class HistoryService {
  constructor(private readonly deps: { prisma: PrismaClient; db: SqlExecutor }) {}

  /** The caller's cart events after `afterVersion`, in version order, `first` at most; none before the first change. */
  async cartEvents(ctx: RequestContext, args: { afterVersion?: number | null; first?: number | null }): Promise<CartEvent[]> {
    const owner = requireOwner(ctx);
    const afterVersion = args.afterVersion ?? 0;
    const first = args.first ?? 100;
    if (!Number.isInteger(first) || first < 1 || first > MAX_EVENTS_PAGE) throw badUserInput(`\`first\` must be between 1 and ${MAX_EVENTS_PAGE}.`, { field: 'first' });
    if (!Number.isInteger(afterVersion) || afterVersion < 0) throw badUserInput('`afterVersion` must be 0 or more.', { field: 'afterVersion' });
    // The token first, then Postgres: a token must never be newer than the rows it guards.
    await ctx.tags?.guard([cartTag(owner)]);
    const cartId = await findCartIdByOwner(this.deps.db, owner);
    return cartId ? findEvents(this.deps.prisma, cartId, afterVersion, first) : [];
  }
}
