/**
 * Merging a guest cart into the signed-in user's cart at login, through the one cart write
 * path (`CartWriter`, locking both carts in a fixed order):
 *   same product and options -> quantities summed, capped at 999 (COMBINED / CAPPED), user's price kept;
 *   a new line -> moved over (ADDED);
 *   product gone, out of stock, or the cart full -> dropped (DROPPED_UNAVAILABLE).
 * The guest cart is deleted. Idempotent under its key; an unknown or empty guest cart is a no-op.
 */
import { TokenError, verifyGuestToken } from '@platform/auth';
import { badUserInput, unauthenticated } from '@platform/errors';
import type { ProductClient } from '@subgraph/product/contract';
import type { SqlExecutor } from '@platform/server';
import { deleteCart, findCartByOwner, moveLineToCart, setCartTerms, setLineQuantity, type CartView, type Owner } from '../data/carts.ts';
import type { RequestContext } from '../request-context.ts';
import type { CartWriter } from './cart-writer.ts';
import { activeLines, twinOf } from './cart-rules.ts';
import { IdempotencyKeyReused, MAX_COUPONS, MAX_LINES, MAX_QUANTITY } from './errors.ts';

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

export interface MergeServiceDeps {
  writer: CartWriter;
  /** The subgraph's SQL pool (the preview read before the write). */
  db: SqlExecutor;
  product: ProductClient;
  jwtSecret: string;
}

export class MergeService {
  constructor(private readonly deps: MergeServiceDeps) {}

  /** Merges the guest cart named by `guestToken` into the signed-in caller's cart, as described above; replays under its key. */
  async mergeGuestCart(ctx: RequestContext, input: { guestToken: string; idempotencyKey?: string | null }): Promise<MergeResult | IdempotencyKeyReused> {
    if (ctx.identity.kind !== 'user' || !ctx.owner) throw unauthenticated('Sign in to merge a guest cart into your cart.');
    const guest: Owner = { ownerType: 'GUEST', ownerId: await this.guestIdOf(input.guestToken) };
    // Availability is a soft check, so it is asked before the transaction (no remote call under locks).
    const preview = await findCartByOwner(this.deps.db, guest);
    const productIds = [...new Set(preview?.lines.map((l) => l.productId) ?? [])];
    const stock = new Map(productIds.length ? (await this.deps.product.availability({ productIds })).items.map((i) => [i.productId, i]) : []);

    const written = await this.deps.writer.write<MergeLineOutcome[]>(
      ctx,
      ctx.owner,
      { operation: 'mergeGuestCart', input: { guestToken: input.guestToken }, idempotencyKey: input.idempotencyKey, absorbing: guest },
      async ({ tx, cartId, cart: userCart, absorbed: guestCart, now }) => {
        const outcomes: MergeLineOutcome[] = [];
        if (!guestCart) return { event: null, details: outcomes };
        let changed = false;
        let activeCount = activeLines(userCart).length;
        let savedCount = userCart.lines.length - activeCount;
        for (const line of guestCart.lines) {
          const available = stock.get(line.productId);
          const twin = twinOf(userCart, line, line.savedForLater);
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
            await setLineQuantity(tx, cartId, twin.id, quantity, now);
            report(sum > MAX_QUANTITY ? 'CAPPED' : 'COMBINED', quantity);
          } else {
            await moveLineToCart(tx, guestCart.id, line.id, cartId, now);
            if (line.savedForLater) savedCount += 1;
            else activeCount += 1;
            report('ADDED', line.quantity);
          }
        }
        const coupons = [...new Set([...userCart.couponCodes, ...guestCart.couponCodes])].slice(0, MAX_COUPONS);
        const country = userCart.shippingCountry ?? guestCart.shippingCountry;
        if (coupons.length !== userCart.couponCodes.length || country !== userCart.shippingCountry) {
          changed = true;
          await setCartTerms(tx, cartId, { couponCodes: coupons, shippingCountry: country });
        }
        await deleteCart(tx, guestCart.id);
        const event = changed ? { type: 'MERGED' as const, payload: { outcomes: outcomes.map((o) => ({ ...o })) } } : null;
        return { event, details: outcomes, absorbedDeleted: true };
      },
    );
    if (!('cart' in written)) {
      if (written instanceof IdempotencyKeyReused) return written;
      throw new Error(`merge ended with an unexpected outcome ${written.__typename}`);
    }
    return { cart: written.cart, outcomes: written.details ?? [] };
  }

  private async guestIdOf(token: string): Promise<string> {
    try {
      return (await verifyGuestToken(token, this.deps.jwtSecret)).guestId;
    } catch (error) {
      if (error instanceof TokenError) throw badUserInput('`guestToken` is not a valid guest session token.', { field: 'guestToken' });
      throw error;
    }
  }
}
