/** Catalog reads: pages of products in a stable order, and the category tree. */
import type { PrismaClient, Product } from '../generated/prisma/client.ts';
import { badUserInput, isUuid } from '@platform/errors';

export const MAX_PAGE_SIZE = 100;

const encodeCursor = (id: string) => Buffer.from(`p:${id}`).toString('base64url');
function decodeCursor(cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = raw.startsWith('p:') ? raw.slice(2) : '';
  if (!isUuid(id)) throw badUserInput('`after` is not a cursor returned by this API.', { field: 'after' });
  return id;
}

export interface ProductPage {
  edges: { cursor: string; node: Product }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** One page of products ordered by id (UUID v7, so roughly by creation), after a cursor. */
export async function listProducts(prisma: PrismaClient, args: { first?: number | null; after?: string | null }): Promise<ProductPage> {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badUserInput(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}.`, { field: 'first' });
  const afterId = args.after ? decodeCursor(args.after) : undefined;
  const [rows, totalCount] = await Promise.all([
    prisma.product.findMany({ where: afterId ? { id: { gt: afterId } } : {}, orderBy: { id: 'asc' }, take: first + 1 }),
    prisma.product.count(),
  ]);
  const page = rows.slice(0, first);
  return {
    edges: page.map((node) => ({ cursor: encodeCursor(node.id), node })),
    pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]!.id) : null },
    totalCount,
  };
}
