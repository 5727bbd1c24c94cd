/** Cart reads: a cart always travels with its lines (active and saved), oldest first. */
import DataLoader from 'dataloader';
import type { Cart, CartLine, CartOwnerType, PrismaClient } from '../generated/prisma/client.ts';

export type CartWithLines = Cart & { lines: CartLine[] };

export interface Owner {
  ownerType: CartOwnerType;
  ownerId: string;
}

const withLines = { lines: { orderBy: [{ addedAt: 'asc' as const }, { id: 'asc' as const }] } };

export function findCartByOwner(prisma: PrismaClient, owner: Owner): Promise<CartWithLines | null> {
  return prisma.cart.findUnique({ where: { ownerType_ownerId: owner }, include: withLines });
}

/** Batches cart-by-id lookups (federation references) into one statement per request. */
export function createCartLoader(prisma: PrismaClient) {
  return new DataLoader<string, CartWithLines | null>(async (ids) => {
    const rows = await prisma.cart.findMany({ where: { id: { in: [...ids] } }, include: withLines });
    const byId = new Map(rows.map((c) => [c.id, c]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
