/** Share links in Postgres. */
import type { CartShare, PrismaClient } from '../generated/prisma/client.ts';
import type { Owner } from './carts.ts';

export type ShareWithOwner = CartShare & { cart: Owner };

export async function insertShare(prisma: PrismaClient, share: { token: string; cartId: string; createdAt: Date; expiresAt: Date }): Promise<void> {
  await prisma.cartShare.create({ data: share });
}

/** A share link with the owner of its cart. */
export function findShare(prisma: PrismaClient, token: string): Promise<ShareWithOwner | null> {
  return prisma.cartShare.findUnique({ where: { token }, include: { cart: { select: { ownerType: true, ownerId: true } } } });
}

export async function markShareRevoked(prisma: PrismaClient, token: string, at: Date): Promise<void> {
  await prisma.cartShare.update({ where: { token }, data: { revokedAt: at } });
}
