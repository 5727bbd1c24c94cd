/**
 * Orders as their owners see them: one order, the history newest first with stable keyset
 * pagination, and cancelling a PAID order (refund, restock, coupon uses back).
 */
import { badUserInput, ErrorCode, forbidden, isUuid, publicError } from '@platform/errors';
import { ordersTag } from '../cache/tags.ts';
import type { ReadRouter } from '@platform/server';
import type { Order, PrismaClient } from '../generated/prisma/client.ts';
import { requireUser, type RequestContext } from '../request-context.ts';
import { revertOrder, type ReversalDeps } from './order-reversal.ts';

export const MAX_PAGE_SIZE = 100;

const notFound = () => publicError(ErrorCode.NOT_FOUND, 'There is no such order.', { field: 'id' });
const encodeCursor = (o: Pick<Order, 'createdAt' | 'id'>) => Buffer.from(`${o.createdAt.toISOString()}|${o.id}`).toString('base64url');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!isUuid(id) || Number.isNaN(createdAt.getTime())) throw badUserInput('`after` is not a cursor returned by this API.', { field: 'after' });
  return { createdAt, id };
}

export class OrderService {
  constructor(private readonly deps: ReversalDeps & { prisma: PrismaClient; reads?: ReadRouter<PrismaClient> | undefined }) {}

  /** History reads: on the replica when it has everything this user wrote, else the primary. */
  private history<T>(userId: string, fn: (db: PrismaClient) => Promise<T>): Promise<T> {
    return this.deps.reads ? this.deps.reads.read(userId, fn) : fn(this.deps.prisma);
  }

  /** One of the caller's orders; null when there is none, FORBIDDEN when it is someone else's. */
  async order(ctx: RequestContext, id: string): Promise<Order | null> {
    const userId = requireUser(ctx);
    if (!isUuid(id)) return null;
    // The token first, then Postgres: a token must never be newer than the rows it guards.
    await ctx.tags?.guard([ordersTag(userId)]);
    // findFirst, not findUnique: Prisma batches concurrent findUniques into one `id IN (...)` over
    // many buyers, a statement on every shard (README "Distribution on Citus").
    const order = await this.history(userId, (db) => db.order.findFirst({ where: { id } }));
    if (order && order.userId !== userId) throw forbidden('That order belongs to someone else.');
    return order;
  }

  /** The caller's orders, newest first, `first` at a time after the cursor `after`, with no gaps or repeats between pages. */
  async orders(ctx: RequestContext, args: { first?: number | null; after?: string | null }) {
    const userId = requireUser(ctx);
    const first = args.first ?? 20;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badUserInput(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}.`, { field: 'first' });
    const after = args.after ? decodeCursor(args.after) : undefined;
    await ctx.tags?.guard([ordersTag(userId)]);
    const [rows, totalCount] = await this.history(userId, (prisma) => Promise.all([
      prisma.order.findMany({
        where: { userId, ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}) },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: first + 1,
      }),
      prisma.order.count({ where: { userId } }),
    ]));
    const page = rows.slice(0, first);
    return {
      edges: page.map((node) => ({ cursor: encodeCursor(node), node })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]!) : null },
      totalCount,
    };
  }

  /**
   * Cancels one of the caller's PAID orders: refund, stock back on hand, coupon uses back, then
   * CANCELLED. Every step is idempotent, so a cancel that failed half-way finishes when called
   * again; cancelling a cancelled order returns it.
   */
  async cancel(ctx: RequestContext, id: string): Promise<Order> {
    const userId = requireUser(ctx, 'Sign in to cancel an order.');
    if (!isUuid(id)) throw notFound();
    const { prisma } = this.deps;
    const order = await prisma.order.findFirst({ where: { id } });
    if (!order) throw notFound();
    if (order.userId !== userId) throw forbidden('That order belongs to someone else.');
    if (order.status === 'CANCELLED') return order;
    const checkout = await prisma.checkout.findFirstOrThrow({ where: { id: order.checkoutId } });
    // Until its checkout has consumed the stock, there is nothing to restock yet.
    if (checkout.status !== 'COMPLETED') throw badUserInput('This order is still being placed; try again in a moment.', { field: 'id' });
    return revertOrder(this.deps, ctx, order, checkout);
  }
}
