/**
 * Internal operations of the cart subgraph for the checkout saga (order subgraph): read the
 * user's cart at a version, and mark it checked out. Not in the public schema.
 */
import { z } from '@platform/config';
import { HttpError, type InternalOperation } from '@platform/server';
import { findCartByOwner } from './data/carts.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { CartService } from './services/cart.ts';
import { VersionConflict } from './services/errors.ts';

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new HttpError(400, `invalid request: ${result.error.issues[0]?.message ?? 'bad body'}`, 'BAD_REQUEST');
  return result.data;
}

const userRef = z.object({ userId: z.string().min(1).max(128) });

export function internalOperations(prisma: PrismaClient, carts: CartService): Record<string, InternalOperation> {
  return {
    /** The user's cart straight from Postgres (never the cache): checkout decides on committed data. */
    async cartForCheckout(body) {
      const { userId } = parse(userRef, body);
      return { cart: await findCartByOwner(prisma, { ownerType: 'USER', ownerId: userId }) };
    },
    /**
     * Empties the cart after an order was placed, if it is still at the version checkout read.
     * Idempotent per checkout: a second call for the same checkout answers as the first.
     */
    async markCheckedOut(body) {
      const { userId, expectedVersion, checkoutId } = parse(userRef.extend({ expectedVersion: z.number().int().min(0), checkoutId: z.string().uuid() }), body);
      const result = await carts.checkOut({ ownerType: 'USER', ownerId: userId }, { expectedVersion, checkoutId });
      if (result instanceof VersionConflict) return { ok: false, currentVersion: result.currentVersion };
      if (!('version' in result)) throw new HttpError(409, result.message, result.code);
      return { ok: true, version: result.version };
    },
  };
}
