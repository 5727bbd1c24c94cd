/**
 * Read-only share links: an unguessable token (192 random bits) that shows a cart's lines and
 * totals, never its owner. Links last `days` (7 by default) and can be revoked by the owner.
 */
import { randomBytes } from 'node:crypto';
import { forbidden } from '@platform/errors';
import type { TagStore } from '@platform/redis';
import { cartTag, shareTag } from '../cache/tags.ts';
import type { SqlExecutor } from '@platform/server';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { findCartById, lockCart, type CartView } from '../data/carts.ts';
import { findShare, insertShare, markShareRevoked } from '../data/shares.ts';
import { requireOwner, type RequestContext } from '../request-context.ts';
import { expiryOf, type CartLifetimes } from './cart-rules.ts';

const TOKEN = /^[A-Za-z0-9_-]{32}$/;

export class ShareService {
  constructor(private readonly deps: { prisma: PrismaClient; db: SqlExecutor; tags: TagStore; lifetimes: CartLifetimes; days: number }) {}

  /** A new link to the caller's cart (creating the empty cart if it has none yet), valid for the configured days. */
  async share(ctx: RequestContext): Promise<{ token: string; expiresAt: Date }> {
    const owner = requireOwner(ctx);
    const now = ctx.clock();
    const expiresAt = new Date(now.getTime() + this.deps.days * 86_400_000);
    const cartId = await lockCart(this.deps.db, owner, now, expiryOf(this.deps.lifetimes, owner, now));
    const token = randomBytes(24).toString('base64url');
    await insertShare(this.deps.prisma, { token, cartId, createdAt: now, expiresAt });
    // The owner's `cart` may have been null until now.
    await this.deps.tags.bump([cartTag(owner)]);
    return { token, expiresAt };
  }

  /** The shared cart, or null when the token is unknown, expired or revoked; anyone may ask. */
  async sharedCart(ctx: RequestContext, token: string): Promise<CartView | null> {
    if (!TOKEN.test(token)) return null;
    // Tokens first, then Postgres: a token must never be newer than the rows it guards.
    await ctx.tags?.guard([shareTag(token)]);
    const share = await findShare(this.deps.prisma, token);
    if (!share || share.revokedAt || share.expiresAt <= ctx.clock()) return null;
    await ctx.tags?.guard([cartTag(share.cart)]);
    return findCartById(this.deps.db, share.cartId);
  }

  /** Revokes one of the caller's links; false when there is no such live link, FORBIDDEN for another owner's. */
  async revoke(ctx: RequestContext, token: string): Promise<boolean> {
    const owner = requireOwner(ctx);
    if (!TOKEN.test(token)) return false;
    const share = await findShare(this.deps.prisma, token);
    if (!share) return false;
    if (share.cart.ownerType !== owner.ownerType || share.cart.ownerId !== owner.ownerId) throw forbidden('That share link belongs to another cart.');
    if (share.revokedAt) return false;
    await markShareRevoked(this.deps.prisma, token, ctx.clock());
    await this.deps.tags.bump([shareTag(token)]);
    return true;
  }
}
