/**
 * Merging a guest cart into the signed-in user's cart at login, in one transaction that locks
 * both carts (in id order, so two merges cannot deadlock):
 *   same product and options -> quantities summed, capped at 999 (COMBINED / CAPPED), user's price kept;
 *   a new line -> moved over (ADDED);
 *   product gone, out of stock, or the cart full -> dropped (DROPPED_UNAVAILABLE).
 * The guest cart is deleted. Idempotent under its key; an unknown or empty guest cart is a no-op.
 */
import { TokenError, verifyGuestToken } from '@platform/auth';
import { badUserInput } from '@platform/errors';
import type { CatalogClient } from '../clients/catalog.ts';
import { findCartByOwner, lockCart, reviveCartView, type CartView, type Owner } from '../data/carts.ts';
import type { CartEvent, PrismaClient } from '../generated/prisma/client.ts';
import type { CartWriter } from './cart-writer.ts';
import { IdempotencyKeyReused, MAX_COUPONS, MAX_LINES, MAX_QUANTITY } from './errors.ts';
import type { EventPublisher } from './events.ts';
import { checkKey, findReplay, fingerprint, storeResult } from './idempotency.ts';
import { optionsKey } from './options.ts';

export type MergeOutcome = 'ADDED' | 'COMBINED' | 'CAPPED' | 'DROPPED_UNAVAILABLE';
export interface MergeLineOutcome {
  productId: string;
  options: Record<string, string> | null;
  outcome: MergeOutcome;
  quantity: number;
}
export interface MergeResult {
  cart: CartView;
  outcomes: MergeLineOutcome[];
}

export interface MergeDeps {
  prisma: PrismaClient;
  catalog: CatalogClient;
  writer: CartWriter;
  events: EventPublisher;
  jwtSecret: string;
  now: () => Date;
  expiresAt: (owner: Owner, from: Date) => Date;
}

export async function mergeGuestCart(deps: MergeDeps, user: Owner, input: { guestToken: string; idempotencyKey?: string | null }): Promise<MergeResult | IdempotencyKeyReused> {
  const key = checkKey(input.idempotencyKey);
  let guestId: string;
  try {
    guestId = (await verifyGuestToken(input.guestToken, deps.jwtSecret)).guestId;
  } catch (error) {
    if (error instanceof TokenError) throw badUserInput('`guestToken` is not a valid guest session token.', { field: 'guestToken' });
    throw error;
  }
  const guest: Owner = { ownerType: 'GUEST', ownerId: guestId };
  const print = fingerprint('mergeGuestCart', { guestToken: input.guestToken });
  // Availability is a soft check, so it is asked before the transaction (no remote call under locks).
  const preview = await findCartByOwner(deps.prisma, guest);
  const productIds = [...new Set(preview?.lines.map((l) => l.productId) ?? [])];
  const stock = productIds.length ? await deps.catalog.availability(productIds) : new Map();

  const committed: CartEvent[] = [];
  const result = await deps.prisma.$transaction(async (tx) => {
    const now = deps.now();
    // Lock order: the guest cart first, then the user's (a merge is the only writer of two carts).
    const guestRow = await tx.cart.findUnique({ where: { ownerType_ownerId: guest }, select: { id: true } });
    if (guestRow) await tx.$queryRaw`SELECT 1 FROM cart."Cart" WHERE id = ${guestRow.id}::uuid FOR UPDATE`;
    const userCartId = await lockCart(tx, user, now, deps.expiresAt(user, now));
    if (key) {
      const replay = await findReplay(tx, user, key, print, now);
      if (replay.replay) return replay.result instanceof IdempotencyKeyReused ? replay.result : reviveMerge(replay.result as MergeResult);
    }
    const userCart = (await findCartByOwner(tx, user))!;
    const guestCart = guestRow ? await findCartByOwner(tx, guest) : null;
    const outcomes: MergeLineOutcome[] = [];
    let changed = false;
    if (guestCart) {
      let activeCount = userCart.lines.filter((l) => !l.savedForLater).length;
      let savedCount = userCart.lines.length - activeCount;
      for (const line of guestCart.lines) {
        const available = stock.get(line.productId);
        const twin = userCart.lines.find((l) => l.savedForLater === line.savedForLater && l.productId === line.productId && optionsKey(l.options) === optionsKey(line.options));
        const report = (outcome: MergeOutcome, quantity: number) => {
          if (!line.savedForLater) outcomes.push({ productId: line.productId, options: line.options, outcome, quantity });
        };
        const full = line.savedForLater ? savedCount >= MAX_LINES : activeCount >= MAX_LINES;
        if (!available?.exists || available.availableQuantity <= 0 || (!twin && full)) {
          report('DROPPED_UNAVAILABLE', 0);
          continue;
        }
        changed = true;
        if (twin) {
          const sum = twin.quantity + line.quantity;
          const quantity = Math.min(MAX_QUANTITY, sum);
          await tx.cartLine.update({ where: { id: twin.id }, data: { quantity, updatedAt: now } });
          report(sum > MAX_QUANTITY ? 'CAPPED' : 'COMBINED', quantity);
        } else {
          await tx.cartLine.update({ where: { id: line.id }, data: { cartId: userCartId, updatedAt: now } });
          if (line.savedForLater) savedCount += 1;
          else activeCount += 1;
          report('ADDED', line.quantity);
        }
      }
      const coupons = [...new Set([...userCart.couponCodes, ...guestCart.couponCodes])].slice(0, MAX_COUPONS);
      const country = userCart.shippingCountry ?? guestCart.shippingCountry;
      if (coupons.length !== userCart.couponCodes.length || country !== userCart.shippingCountry) {
        changed = true;
        await tx.cart.update({ where: { id: userCartId }, data: { couponCodes: coupons, shippingCountry: country } });
      }
      await tx.cart.delete({ where: { id: guestCart.id } });
    }
    if (changed) {
      const { version } = await tx.cart.update({ where: { id: userCartId }, data: { version: { increment: 1 }, updatedAt: now, expiresAt: deps.expiresAt(user, now) }, select: { version: true } });
      committed.push(await tx.cartEvent.create({ data: { cartId: userCartId, version, ...user, type: 'MERGED', at: now, payload: { outcomes: outcomes.map((o) => ({ ...o })) } } }));
    }
    const merged: MergeResult = { cart: (await findCartByOwner(tx, user))!, outcomes };
    if (key) await storeResult(tx, user, key, 'mergeGuestCart', print, { kind: 'value', value: merged }, now);
    return merged;
  }, { maxWait: 5_000, timeout: 10_000 });

  if (committed.length) await deps.writer.afterCommit(user, committed);
  if (preview) {
    // The guest cart is gone: drop its cache entry and tell the guest's devices to stop listening.
    await deps.writer.afterCommit(guest, []);
    await deps.events.publishRaw({ kind: 'cart-closed', reason: 'MERGED', ownerType: 'GUEST', ownerId: guestId, mergedIntoCartId: result instanceof IdempotencyKeyReused ? null : result.cart.id });
  }
  return result;
}

const reviveMerge = (stored: MergeResult): MergeResult => ({ cart: reviveCartView(stored.cart), outcomes: stored.outcomes });
