/** The caller's cart history (the event log), for catching up after a reconnect. */
import { badUserInput } from '@platform/errors';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Owner } from '../data/carts.ts';

export const MAX_EVENTS_PAGE = 500;

export async function cartEvents(prisma: PrismaClient, owner: Owner, args: { afterVersion?: number | null; first?: number | null }) {
  const afterVersion = args.afterVersion ?? 0;
  const first = args.first ?? 100;
  if (!Number.isInteger(first) || first < 1 || first > MAX_EVENTS_PAGE) throw badUserInput(`\`first\` must be between 1 and ${MAX_EVENTS_PAGE}.`, { field: 'first' });
  if (!Number.isInteger(afterVersion) || afterVersion < 0) throw badUserInput('`afterVersion` must be 0 or more.', { field: 'afterVersion' });
  const cart = await prisma.cart.findUnique({ where: { ownerType_ownerId: owner }, select: { id: true } });
  if (!cart) return [];
  return prisma.cartEvent.findMany({ where: { cartId: cart.id, version: { gt: afterVersion } }, orderBy: { version: 'asc' }, take: first });
}
