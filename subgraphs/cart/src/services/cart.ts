/**
 * Cart operations: the rules of each change. Every change goes through `CartWriter`, which owns
 * the transaction, locking, versioning, idempotency, outbox and cache invalidation.
 */
import Decimal from 'decimal.js';
import type { CatalogClient } from '../clients/catalog.ts';
import type { CartCache } from '../cache/cart-cache.ts';
import { findCartByOwner, type CartLineView, type CartView, type Owner } from '../data/carts.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { CartWriter, Rollback, type CartResult, type ChangeContext } from './cart-writer.ts';
import { CartLimitExceeded, InsufficientStock, InvalidCoupon, InvalidOptions, InvalidQuantity, LineNotFound, MAX_COUPONS, MAX_LINES, MAX_QUANTITY, ProductNotFound } from './errors.ts';
import type { EventPublisher } from './events.ts';
import { optionsKey, type LineOptions } from './options.ts';
import { checkLineId, checkProductId, checkQuantity, normaliseCountry, normaliseCouponCode, parseOptions } from './validation.ts';



export interface CartServiceDeps {
  prisma: PrismaClient;
  catalog: CatalogClient;
  cache: CartCache;
  events: EventPublisher;
  ttlDays: { USER: number; GUEST: number };
  now?: () => Date;
}

interface Versioned {
  idempotencyKey?: string | null;
  expectedVersion?: number | null;
}

/** What the writer needs from a mutation's input: the operation, the input to fingerprint and the concurrency fields. */
const writeOptions = <I extends Versioned>(operation: string, input: I) => ({
  operation,
  input,
  idempotencyKey: input.idempotencyKey,
  expectedVersion: input.expectedVersion,
});

const activeLines = (cart: CartView) => cart.lines.filter((l) => !l.savedForLater);
const subtotalOf = (cart: CartView) => activeLines(cart).reduce((sum, l) => sum.plus(new Decimal(l.unitPrice).times(l.quantity)), new Decimal(0)).toFixed(2);

function findLine(ctx: ChangeContext, lineId: string, saved: boolean): CartLineView {
  const line = ctx.cart.lines.find((l) => l.id === lineId.toLowerCase() && l.savedForLater === saved);
  if (!line) throw new Rollback(new LineNotFound(lineId, saved ? 'That line is not in your saved-for-later list.' : 'That line is not in your cart.'));
  return line;
}

/** The line holding the same product and options in the given list, if any. */
const twinOf = (cart: CartView, line: { productId: string; options: LineOptions | null }, saved: boolean) =>
  cart.lines.find((l) => l.savedForLater === saved && l.productId === line.productId && optionsKey(l.options) === optionsKey(line.options));

export class CartService {
  readonly now: () => Date;
  readonly writer: CartWriter;

  constructor(private readonly deps: CartServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.writer = new CartWriter({ prisma: deps.prisma, cache: deps.cache, events: deps.events, now: this.now, expiresAt: (owner, from) => this.expiresAt(owner, from) });
  }

  expiresAt(owner: Owner, from: Date): Date {
    return new Date(from.getTime() + this.deps.ttlDays[owner.ownerType] * 86_400_000);
  }

  /** The owner's cart (null before its first change): from the cache, else Postgres then cached. */
  async getCart(owner: Owner): Promise<CartView | null> {
    const cached = await this.deps.cache.get(owner);
    if (cached.hit) return cached.cart;
    const cart = await findCartByOwner(this.deps.prisma, owner);
    await this.deps.cache.set(owner, cart);
    return cart;
  }

  /** Soft stock check: the product exists and has at least `quantity` available. */
  private async checkStock(productId: string, quantity: number): Promise<void> {
    const stock = (await this.deps.catalog.availability([productId])).get(productId);
    if (!stock?.exists) throw new Rollback(new ProductNotFound(productId));
    if (stock.availableQuantity < quantity) throw new Rollback(new InsufficientStock(stock.availableQuantity));
  }

  async addLine(owner: Owner, input: { productId: string; quantity: number; options?: unknown } & Versioned): Promise<CartResult> {
    const invalid = checkQuantity(input.quantity) ?? checkProductId(input.productId);
    if (invalid) return invalid;
    const options = parseOptions(input.options);
    if (options instanceof InvalidOptions) return options;
    const productId = input.productId.toLowerCase();
    const [availability, prices] = await Promise.all([this.deps.catalog.availability([productId]), this.deps.catalog.prices([productId])]);
    const stock = availability.get(productId);
    const price = prices.get(productId);
    if (!stock?.exists || !price) return new ProductNotFound(productId);

    return this.writer.write(owner, writeOptions('addCartLine', { ...input, options }), async ({ tx, cartId, cart, now }) => {
      const existing = twinOf(cart, { productId, options: options }, false);
      const quantity = (existing?.quantity ?? 0) + input.quantity;
      if (quantity > MAX_QUANTITY) throw new Rollback(new InvalidQuantity(`A line holds at most ${MAX_QUANTITY}; this one already has ${existing?.quantity ?? 0}.`));
      if (!existing && activeLines(cart).length >= MAX_LINES) throw new Rollback(new CartLimitExceeded());
      if (stock.availableQuantity < quantity) throw new Rollback(new InsufficientStock(stock.availableQuantity));
      const line = existing
        ? await tx.cartLine.update({ where: { id: existing.id }, data: { quantity, updatedAt: now } })
        : await tx.cartLine.create({
            data: { cartId, productId, optionsKey: optionsKey(options), options: options ?? undefined, quantity, unitPrice: price.amount, currencyCode: price.currencyCode, addedAt: now, updatedAt: now },
          });
      return { type: existing ? 'LINE_UPDATED' : 'LINE_ADDED', lineId: line.id, productId, quantity };
    });
  }

  async updateLine(owner: Owner, input: { lineId: string; quantity: number } & Versioned): Promise<CartResult> {
    const invalid = checkQuantity(input.quantity) ?? checkLineId(input.lineId);
    if (invalid) return invalid;
    return this.writer.write(owner, writeOptions('updateCartLine', input), async (ctx) => {
      const line = findLine(ctx, input.lineId, false);
      if (line.quantity === input.quantity) return null;
      // Only a raise needs stock; lowering a quantity must always work.
      if (input.quantity > line.quantity) await this.checkStock(line.productId, input.quantity);
      await ctx.tx.cartLine.update({ where: { id: line.id }, data: { quantity: input.quantity, updatedAt: ctx.now } });
      return { type: 'LINE_UPDATED', lineId: line.id, productId: line.productId, quantity: input.quantity };
    });
  }

  async removeLine(owner: Owner, input: { lineId: string } & Versioned): Promise<CartResult> {
    const invalid = checkLineId(input.lineId);
    if (invalid) return invalid;
    return this.writer.write(owner, writeOptions('removeCartLine', input), async (ctx) => {
      const line = ctx.cart.lines.find((l) => l.id === input.lineId.toLowerCase());
      if (!line) throw new Rollback(new LineNotFound(input.lineId));
      await ctx.tx.cartLine.delete({ where: { id: line.id } });
      return { type: 'LINE_REMOVED', lineId: line.id, productId: line.productId, quantity: 0 };
    });
  }

  async clear(owner: Owner, input: Versioned): Promise<CartResult> {
    return this.writer.write(owner, writeOptions('clearCart', input), async (ctx) => {
      if (activeLines(ctx.cart).length === 0) return null;
      await ctx.tx.cartLine.deleteMany({ where: { cartId: ctx.cartId, savedForLater: false } });
      return { type: 'CLEARED' };
    });
  }

  /** Moves a line between the cart and saved-for-later, combining with a twin line there. */
  private moveLine(owner: Owner, input: { lineId: string } & Versioned, toSaved: boolean): Promise<CartResult> {
    const invalid = checkLineId(input.lineId);
    if (invalid) return Promise.resolve(invalid);
    return this.writer.write(owner, writeOptions(toSaved ? 'saveLineForLater' : 'moveSavedLineToCart', input), async (ctx) => {
      const line = findLine(ctx, input.lineId, !toSaved);
      const twin = twinOf(ctx.cart, line, toSaved);
      const quantity = Math.min(MAX_QUANTITY, line.quantity + (twin?.quantity ?? 0));
      if (!twin && ctx.cart.lines.filter((l) => l.savedForLater === toSaved).length >= MAX_LINES) throw new Rollback(new CartLimitExceeded());
      if (!toSaved) await this.checkStock(line.productId, quantity);
      if (twin) {
        await ctx.tx.cartLine.update({ where: { id: twin.id }, data: { quantity, updatedAt: ctx.now } });
        await ctx.tx.cartLine.delete({ where: { id: line.id } });
      } else {
        await ctx.tx.cartLine.update({ where: { id: line.id }, data: { savedForLater: toSaved, updatedAt: ctx.now } });
      }
      return { type: toSaved ? 'SAVED_FOR_LATER' : 'MOVED_TO_CART', lineId: twin?.id ?? line.id, productId: line.productId, quantity };
    });
  }

  saveForLater(owner: Owner, input: { lineId: string } & Versioned) {
    return this.moveLine(owner, input, true);
  }

  moveToCart(owner: Owner, input: { lineId: string } & Versioned) {
    return this.moveLine(owner, input, false);
  }

  async applyCoupon(owner: Owner, input: { code: string } & Versioned): Promise<CartResult> {
    const code = normaliseCouponCode(input.code);
    if (typeof code !== 'string') return code;
    return this.writer.write(owner, writeOptions('applyCouponCode', { ...input, code }), async (ctx) => {
      if (ctx.cart.couponCodes.includes(code)) return null;
      if (ctx.cart.couponCodes.length >= MAX_COUPONS) throw new Rollback(new InvalidCoupon(code, 'TOO_MANY', `At most ${MAX_COUPONS} coupons per cart.`));
      const check = await this.deps.catalog.validateCoupon(code, subtotalOf(ctx.cart));
      if (!check.valid) throw new Rollback(new InvalidCoupon(code, check.reason));
      await ctx.tx.cart.update({ where: { id: ctx.cartId }, data: { couponCodes: [...ctx.cart.couponCodes, code] } });
      return { type: 'COUPON_APPLIED', payload: { code } };
    });
  }

  async removeCoupon(owner: Owner, input: { code: string } & Versioned): Promise<CartResult> {
    const code = normaliseCouponCode(input.code);
    if (typeof code !== 'string') return code;
    return this.writer.write(owner, writeOptions('removeCouponCode', { ...input, code }), async (ctx) => {
      if (!ctx.cart.couponCodes.includes(code)) throw new Rollback(new InvalidCoupon(code, 'NOT_APPLIED', `Coupon ${code} is not on your cart.`));
      await ctx.tx.cart.update({ where: { id: ctx.cartId }, data: { couponCodes: ctx.cart.couponCodes.filter((c) => c !== code) } });
      return { type: 'COUPON_REMOVED', payload: { code } };
    });
  }

  async setShippingCountry(owner: Owner, input: { country: string } & Versioned): Promise<CartResult> {
    const country = normaliseCountry(input.country, await this.deps.catalog.countries());
    if (typeof country !== 'string') return country;
    return this.writer.write(owner, writeOptions('setShippingCountry', { ...input, country }), async (ctx) => {
      if (ctx.cart.shippingCountry === country) return null;
      await ctx.tx.cart.update({ where: { id: ctx.cartId }, data: { shippingCountry: country } });
      return { type: 'SHIPPING_COUNTRY_SET', payload: { country } };
    });
  }

  /** Empties the cart after checkout (saved-for-later lines and the shipping country stay). */
  async checkOut(owner: Owner, input: { expectedVersion: number; checkoutId: string }): Promise<CartResult> {
    // The checkout id is the idempotency key: a retried saga step replays instead of emptying twice.
    return this.writer.write(owner, { operation: 'checkout', input: { checkoutId: input.checkoutId }, idempotencyKey: `checkout:${input.checkoutId}`, expectedVersion: input.expectedVersion }, async (ctx) => {
      await ctx.tx.cartLine.deleteMany({ where: { cartId: ctx.cartId, savedForLater: false } });
      await ctx.tx.cart.update({ where: { id: ctx.cartId }, data: { couponCodes: [] } });
      return { type: 'CHECKED_OUT', payload: { checkoutId: input.checkoutId } };
    });
  }
}
