/**
 * Cart operations: the rules of each change. Every change goes through `CartWriter`, which owns
 * the transaction, locking, versioning, idempotency, outbox and cache invalidation.
 */
import type { HintedAvailability } from './stock-hints.ts';
import { annotate } from '@platform/telemetry';
import type { PricingClient } from '@subgraph/pricing/contract';
import type { ProductClient } from '@subgraph/product/contract';
import type { CartReads } from '../cache/cart-reads.ts';
import type { SqlExecutor } from '@platform/server';
import { deleteActiveLines, deleteLine, findCartByOwner, insertLine, setCartTerms, setLineQuantity, setLineSaved, type CartLineView, type CartView, type Owner } from '../data/carts.ts';
import { requireOwner, type RequestContext } from '../request-context.ts';
import { CartWriter, Rollback, type Change, type ChangeContext, type EventData, type WriteRequest } from './cart-writer.ts';
import { activeLines, optionsKey, subtotal, twinOf } from './cart-rules.ts';
import { CartLimitExceeded, InsufficientStock, InvalidCoupon, InvalidOptions, InvalidQuantity, LineNotFound, MAX_COUPONS, MAX_LINES, MAX_QUANTITY, ProductNotFound, type CartUserError } from './errors.ts';
import { checkLineId, checkProductId, checkQuantity, normaliseCountry, normaliseCouponCode, parseOptions } from './validation.ts';

export type CartResult = CartView | CartUserError;

interface Versioned {
  idempotencyKey?: string | null;
  expectedVersion?: number | null;
}

export interface CartServiceDeps {
  /** The subgraph's SQL pool (reads of committed data outside the writer). */
  db: SqlExecutor;
  reads: CartReads;
  writer: CartWriter;
  product: ProductClient;
  pricing: PricingClient;
}

/** What the writer needs from a mutation's input: the operation, the input to fingerprint and the concurrency fields. */
const request = <I extends Versioned>(operation: string, input: I): WriteRequest => ({
  operation,
  input,
  idempotencyKey: input.idempotencyKey,
  expectedVersion: input.expectedVersion,
});

const changed = (event: EventData) => ({ event });
const UNCHANGED = { event: null };

function findLine(ctx: ChangeContext, lineId: string, saved: boolean): CartLineView {
  const line = ctx.cart.lines.find((l) => l.id === lineId.toLowerCase() && l.savedForLater === saved);
  if (!line) throw new Rollback(new LineNotFound(lineId, saved ? 'That line is not in your saved-for-later list.' : 'That line is not in your cart.'));
  return line;
}

export class CartService {
  constructor(private readonly deps: CartServiceDeps) {}

  /** The caller's cart (null before its first change), from the cache or Postgres; never older than the caller's own last write. */
  getCart(ctx: RequestContext): Promise<CartView | null> {
    return this.deps.reads.byOwner(requireOwner(ctx), ctx.tags);
  }

  /** The caller's cart straight from Postgres, never the cache: for decisions on committed data (checkout). */
  forCheckout(ctx: RequestContext): Promise<CartView | null> {
    return findCartByOwner(this.deps.db, requireOwner(ctx));
  }

  /** Adds `quantity` of a product (with options) at its current price, or to the same line; soft-checks stock. */
  async addLine(ctx: RequestContext, input: { productId: string; quantity: number; options?: unknown } & Versioned): Promise<CartResult> {
    const owner = requireOwner(ctx);
    const invalid = checkQuantity(input.quantity) ?? checkProductId(input.productId);
    if (invalid) return invalid;
    const options = parseOptions(input.options);
    if (options instanceof InvalidOptions) return options;
    const productId = input.productId.toLowerCase();
    const [availability, prices] = await Promise.all([this.deps.product.availability({ productIds: [productId] }), this.deps.pricing.prices({ productIds: [productId] })]);
    const stock = availability.items.find((i) => i.productId === productId);
    const price = prices.items.find((i) => i.productId === productId);
    if (!stock?.exists || !price) return new ProductNotFound(productId);
    // Product did not answer and the policy accepts the last known stock: the answer says so.
    const hinted = (availability as HintedAvailability).hinted === true;

    const result = await this.run(ctx, owner, request('addCartLine', { ...input, options }), async ({ tx, cartId, cart, now }) => {
      const existing = twinOf(cart, { productId, options }, false);
      const quantity = (existing?.quantity ?? 0) + input.quantity;
      if (quantity > MAX_QUANTITY) throw new Rollback(new InvalidQuantity(`A line holds at most ${MAX_QUANTITY}; this one already has ${existing?.quantity ?? 0}.`));
      if (!existing && activeLines(cart).length >= MAX_LINES) throw new Rollback(new CartLimitExceeded());
      if (stock.availableQuantity < quantity) throw new Rollback(new InsufficientStock(stock.availableQuantity));
      let lineId = existing?.id;
      if (lineId) await setLineQuantity(tx, cartId, lineId, quantity, now);
      else lineId = await insertLine(tx, cartId, { productId, optionsKey: optionsKey(options), options: options ?? null, quantity, unitPrice: price.amount, currencyCode: price.currencyCode }, now);
      return changed({ type: existing ? 'LINE_UPDATED' : 'LINE_ADDED', lineId, productId, quantity });
    });
    return hinted && !('code' in result) ? { ...result, stockUnverified: true } : result;
  }

  /** Sets a line's quantity; a raise is soft-checked against stock, a lowering always works. */
  async updateLine(ctx: RequestContext, input: { lineId: string; quantity: number } & Versioned): Promise<CartResult> {
    const owner = requireOwner(ctx);
    const invalid = checkQuantity(input.quantity) ?? checkLineId(input.lineId);
    if (invalid) return invalid;
    return this.run(ctx, owner, request('updateCartLine', input), async (change) => {
      const line = findLine(change, input.lineId, false);
      if (line.quantity === input.quantity) return UNCHANGED;
      if (input.quantity > line.quantity) await this.checkStock(line.productId, input.quantity);
      await setLineQuantity(change.tx, change.cartId, line.id, input.quantity, change.now);
      return changed({ type: 'LINE_UPDATED', lineId: line.id, productId: line.productId, quantity: input.quantity });
    });
  }

  /** Removes a line, active or saved for later. */
  async removeLine(ctx: RequestContext, input: { lineId: string } & Versioned): Promise<CartResult> {
    const owner = requireOwner(ctx);
    const invalid = checkLineId(input.lineId);
    if (invalid) return invalid;
    return this.run(ctx, owner, request('removeCartLine', input), async (change) => {
      const line = change.cart.lines.find((l) => l.id === input.lineId.toLowerCase());
      if (!line) throw new Rollback(new LineNotFound(input.lineId));
      await deleteLine(change.tx, change.cartId, line.id);
      return changed({ type: 'LINE_REMOVED', lineId: line.id, productId: line.productId, quantity: 0 });
    });
  }

  /** Removes every active line (saved-for-later lines stay); a no-op on an empty cart. */
  clear(ctx: RequestContext, input: Versioned): Promise<CartResult> {
    const owner = requireOwner(ctx);
    return this.run(ctx, owner, request('clearCart', input), async (change) => {
      if (activeLines(change.cart).length === 0) return UNCHANGED;
      await deleteActiveLines(change.tx, change.cartId);
      return changed({ type: 'CLEARED' });
    });
  }

  /** Moves an active line to saved-for-later, combining with the same line there. */
  saveForLater(ctx: RequestContext, input: { lineId: string } & Versioned): Promise<CartResult> {
    return this.moveLine(ctx, input, true);
  }

  /** Moves a saved line back into the cart, combining with the same line there; soft-checks stock. */
  moveToCart(ctx: RequestContext, input: { lineId: string } & Versioned): Promise<CartResult> {
    return this.moveLine(ctx, input, false);
  }

  /** Applies a coupon that pricing says is valid for this cart now (at most five per cart). */
  async applyCoupon(ctx: RequestContext, input: { code: string } & Versioned): Promise<CartResult> {
    const owner = requireOwner(ctx);
    const code = normaliseCouponCode(input.code);
    if (typeof code !== 'string') return code;
    return this.run(ctx, owner, request('applyCouponCode', { ...input, code }), async (change) => {
      if (change.cart.couponCodes.includes(code)) return UNCHANGED;
      if (change.cart.couponCodes.length >= MAX_COUPONS) throw new Rollback(new InvalidCoupon(code, 'TOO_MANY', `At most ${MAX_COUPONS} coupons per cart.`));
      const check = await this.deps.pricing.validateCoupon({ code, subtotal: subtotal(change.cart).toFixed(2) });
      if (!check.valid) throw new Rollback(new InvalidCoupon(code, check.reason));
      await setCartTerms(change.tx, change.cartId, { couponCodes: [...change.cart.couponCodes, code] });
      return changed({ type: 'COUPON_APPLIED', payload: { code } });
    });
  }

  /** Removes a coupon from the cart; `InvalidCoupon` (NOT_APPLIED) when it is not on it. */
  async removeCoupon(ctx: RequestContext, input: { code: string } & Versioned): Promise<CartResult> {
    const owner = requireOwner(ctx);
    const code = normaliseCouponCode(input.code);
    if (typeof code !== 'string') return code;
    return this.run(ctx, owner, request('removeCouponCode', { ...input, code }), async (change) => {
      if (!change.cart.couponCodes.includes(code)) throw new Rollback(new InvalidCoupon(code, 'NOT_APPLIED', `Coupon ${code} is not on your cart.`));
      await setCartTerms(change.tx, change.cartId, { couponCodes: change.cart.couponCodes.filter((c) => c !== code) });
      return changed({ type: 'COUPON_REMOVED', payload: { code } });
    });
  }

  /** Sets the shipping country to one the store ships to. */
  async setShippingCountry(ctx: RequestContext, input: { country: string } & Versioned): Promise<CartResult> {
    const owner = requireOwner(ctx);
    const { countries } = await this.deps.pricing.countries({});
    const country = normaliseCountry(input.country, countries.map((c) => c.code).sort());
    if (typeof country !== 'string') return country;
    return this.run(ctx, owner, request('setShippingCountry', { ...input, country }), async (change) => {
      if (change.cart.shippingCountry === country) return UNCHANGED;
      await setCartTerms(change.tx, change.cartId, { shippingCountry: country });
      return changed({ type: 'SHIPPING_COUNTRY_SET', payload: { country } });
    });
  }

  /** Empties the cart after checkout (saved-for-later lines and the shipping country stay); once per checkout id. */
  checkOut(ctx: RequestContext, input: { expectedVersion: number; checkoutId: string }): Promise<CartResult> {
    const owner = requireOwner(ctx);
    // The checkout id is the idempotency key: a retried saga step replays instead of emptying twice.
    const checkout = { operation: 'checkout', input: { checkoutId: input.checkoutId }, idempotencyKey: `checkout:${input.checkoutId}`, expectedVersion: input.expectedVersion };
    return this.run(ctx, owner, checkout, async (change) => {
      await deleteActiveLines(change.tx, change.cartId);
      await setCartTerms(change.tx, change.cartId, { couponCodes: [] });
      return changed({ type: 'CHECKED_OUT', payload: { checkoutId: input.checkoutId } });
    });
  }

  /** Runs a change through the writer and answers with the cart after it. */
  private async run(ctx: RequestContext, owner: Owner, write: WriteRequest, change: Change<undefined>): Promise<CartResult> {
    const result = await this.deps.writer.write(ctx, owner, write, change);
    if ('cart' in result) annotate({ 'cart.id': result.cart.id });
    return 'cart' in result ? result.cart : result;
  }

  /** Soft stock check: the product exists and has at least `quantity` available. */
  private async checkStock(productId: string, quantity: number): Promise<void> {
    const { items } = await this.deps.product.availability({ productIds: [productId] });
    const stock = items.find((i) => i.productId === productId);
    if (!stock?.exists) throw new Rollback(new ProductNotFound(productId));
    if (stock.availableQuantity < quantity) throw new Rollback(new InsufficientStock(stock.availableQuantity));
  }

  /** Moves a line between the cart and saved-for-later, combining with a twin line there. */
  private moveLine(ctx: RequestContext, input: { lineId: string } & Versioned, toSaved: boolean): Promise<CartResult> {
    const owner = requireOwner(ctx);
    const invalid = checkLineId(input.lineId);
    if (invalid) return Promise.resolve(invalid);
    return this.run(ctx, owner, request(toSaved ? 'saveLineForLater' : 'moveSavedLineToCart', input), async (change) => {
      const line = findLine(change, input.lineId, !toSaved);
      const twin = twinOf(change.cart, line, toSaved);
      const quantity = Math.min(MAX_QUANTITY, line.quantity + (twin?.quantity ?? 0));
      if (!twin && change.cart.lines.filter((l) => l.savedForLater === toSaved).length >= MAX_LINES) throw new Rollback(new CartLimitExceeded());
      if (!toSaved) await this.checkStock(line.productId, quantity);
      if (twin) {
        await setLineQuantity(change.tx, change.cartId, twin.id, quantity, change.now);
        await deleteLine(change.tx, change.cartId, line.id);
      } else {
        await setLineSaved(change.tx, change.cartId, line.id, toSaved, change.now);
      }
      return changed({ type: toSaved ? 'SAVED_FOR_LATER' : 'MOVED_TO_CART', lineId: twin?.id ?? line.id, productId: line.productId, quantity });
    });
  }
}
