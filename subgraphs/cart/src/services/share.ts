/**
 * Read-only share links: an unguessable token (192 random bits) that shows a cart's lines and
 * totals, never its owner. Links last `days` (7 by default) and can be revoked by the owner.
 */
import { randomBytes } from 'node:crypto';
import { forbidden } from '@platform/errors';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { ensureCart, findCartById, type CartView, type Owner } from '../data/carts.ts';
import type { CartService } from './cart.ts';

const TOKEN = /^[A-Za-z0-9_-]{32}$/;

export async function shareCart(prisma: PrismaClient, carts: CartService, owner: Owner, days: number): Promise<{ token: string; expiresAt: Date }> {
  const now = carts.now();
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  // A share needs a cart to point at; sharing before the first change shares the empty cart.
  const cartId = await ensureCart(prisma, owner, now, carts.expiresAt(owner, now));
  const token = randomBytes(24).toString('base64url');
  await prisma.cartShare.create({ data: { token, cartId, createdAt: now, expiresAt } });
  return { token, expiresAt };
}

/** The shared cart, or null when the token is unknown, expired or revoked. */
export async function sharedCart(prisma: PrismaClient, token: string, now: Date): Promise<CartView | null> {
  if (!TOKEN.test(token)) return null;
  const share = await prisma.cartShare.findUnique({ where: { token } });
  if (!share || share.revokedAt || share.expiresAt <= now) return null;
  return findCartById(prisma, share.cartId);
}

/** Revokes one of the owner's links; false when there is no such live link. */
export async function revokeCartShare(prisma: PrismaClient, owner: Owner, token: string, now: Date): Promise<boolean> {
  if (!TOKEN.test(token)) return false;
  const share = await prisma.cartShare.findUnique({ where: { token }, include: { cart: { select: { ownerType: true, ownerId: true } } } });
  if (!share) return false;
  if (share.cart.ownerType !== owner.ownerType || share.cart.ownerId !== owner.ownerId) throw forbidden('That share link belongs to another cart.');
  if (share.revokedAt) return false;
  await prisma.cartShare.update({ where: { token }, data: { revokedAt: now } });
  return true;
}
