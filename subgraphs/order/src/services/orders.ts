/** Order history: the caller's orders, newest first, with stable keyset pagination. */
import type { Identity } from '@platform/auth';
import { badUserInput, forbidden, isUuid, unauthenticated } from '@platform/errors';
import type { Order, PrismaClient } from '../generated/prisma/client.ts';

export const MAX_PAGE_SIZE = 100;

/** Orders belong to signed-in users; guests and anonymous callers have none (UNAUTHENTICATED). */
export function requireUser(identity: Identity, message = 'Sign in to see your orders.'): string {
  if (identity.kind !== 'user') throw unauthenticated(message);
  return identity.userId;
}

const encodeCursor = (o: Pick<Order, 'createdAt' | 'id'>) => Buffer.from(`${o.createdAt.toISOString()}|${o.id}`).toString('base64url');
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!isUuid(id) || Number.isNaN(createdAt.getTime())) throw badUserInput('`after` is not a cursor returned by this API.', { field: 'after' });
  return { createdAt, id };
}

/** The user's orders, newest first, `first` at a time after the cursor `after`. */
export async function listOrders(prisma: PrismaClient, userId: string, args: { first?: number | null; after?: string | null }) {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badUserInput(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}.`, { field: 'first' });
  const after = args.after ? decodeCursor(args.after) : undefined;
  const [rows, totalCount] = await Promise.all([
    prisma.order.findMany({
      where: { userId, ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
    }),
    prisma.order.count({ where: { userId } }),
  ]);
  const page = rows.slice(0, first);
  return {
    edges: page.map((node) => ({ cursor: encodeCursor(node), node })),
    pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]!) : null },
    totalCount,
  };
}

/** One order, only for its owner. */
export async function getOrder(prisma: PrismaClient, userId: string, id: string) {
  if (!isUuid(id)) return null;
  const order = await prisma.order.findUnique({ where: { id } });
  if (order && order.userId !== userId) throw forbidden('That order belongs to someone else.');
  return order;
}
