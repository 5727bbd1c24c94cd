/** Current prices: reading them for products and cart lines, and setting them (admins). */
import { requireAdmin } from '@platform/auth';
import { badUserInput, isUuid } from '@platform/errors';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { PriceReads } from '../cache/price-reads.ts';
import type { TagStore } from '@platform/redis';
import type { PriceCache } from '../cache/prices.ts';
import { priceTag } from '../cache/tags.ts';
import type { CurrentPrice } from '../contract/index.ts';
import { writePrice, type PriceEntry, type ProductRef } from '../data/prices.ts';
import type { RequestContext } from '../request-context.ts';
import { Decimal, hasCents, MAX_AMOUNT, money, type Money } from './money.ts';

/** A cart line as the gateway sends it to pricing: its id plus the fields `@requires` asks for. */
export interface CartLineRef {
  id: string;
  product?: { id: string } | null;
  unitPrice?: { amount: string; currencyCode: string } | null;
}

export interface PriceServiceDeps {
  prisma: PrismaClient;
  cache: PriceCache;
  source: PriceReads;
  tags: TagStore;
  currencyCode: string;
}

/**
 * Parses a new price: more than 0, at most 2 decimals, within Decimal(14,2).
 * Returns the amount with two decimals, or throws BAD_USER_INPUT naming `field`.
 */
export function parsePriceAmount(amount: string, field = 'amount'): string {
  let value: Decimal;
  try {
    value = new Decimal(amount);
  } catch {
    throw badUserInput(`${field} must be a decimal amount such as "29.99".`, { field });
  }
  if (!value.isFinite() || value.lessThanOrEqualTo(0)) throw badUserInput(`${field} must be more than 0.`, { field });
  if (!hasCents(value)) throw badUserInput(`${field} must have at most 2 decimals.`, { field });
  if (value.greaterThan(MAX_AMOUNT)) throw badUserInput(`${field} must be at most ${MAX_AMOUNT.toFixed(2)}.`, { field });
  return value.toFixed(2);
}

/** A product's price as Money, or an error when the product has none (a data error, masked). */
export function priceMoney(productId: string, entry: PriceEntry | null | undefined): Money {
  if (!entry) throw new Error(`no price for product ${productId}`);
  return money(entry.amount, entry.currencyCode);
}

/** True when a line's captured unit price differs from the product's price now. */
export function hasPriceChanged(line: CartLineRef, current: Money): boolean {
  if (!line.unitPrice) return false;
  return line.unitPrice.currencyCode !== current.currencyCode || !new Decimal(line.unitPrice.amount).equals(current.amount);
}

export class PriceService {
  constructor(private readonly deps: PriceServiceDeps) {}

  /** A product's current price (batched with every other product of the request, cache first). */
  async productPrice(ctx: RequestContext, product: ProductRef): Promise<Money> {
    return priceMoney(product.id, product.price ?? (await ctx.loaders.price.load(product.id)));
  }

  /** The current price of a cart line's product (batched with every other line of the request). */
  async currentUnitPrice(ctx: RequestContext, line: CartLineRef): Promise<Money> {
    const productId = line.product?.id;
    // `@requires` makes the gateway send it; a representation without it is a caller bug.
    if (!productId) throw new Error(`cart line ${line.id} arrived without its product id`);
    return priceMoney(productId, await ctx.loaders.price.load(productId));
  }

  /** Whether a line's captured unit price differs from its product's price now. */
  async priceChanged(ctx: RequestContext, line: CartLineRef): Promise<boolean> {
    return hasPriceChanged(line, await this.currentUnitPrice(ctx, line));
  }

  /**
   * Current prices (what the cart captures), from the price cache the views use: `setPrice`
   * writes through it, so it is never behind an acknowledged change; products without a price are
   * left out.
   */
  async prices(_ctx: RequestContext, productIds: readonly string[]): Promise<CurrentPrice[]> {
    const entries = await this.deps.source.load(productIds);
    return entries.flatMap((e) => (e ? [{ productId: e.productId, amount: e.amount, currencyCode: e.currencyCode }] : []));
  }

  /**
   * Sets the current price of a product (administrators only), recorded in the price history
   * with the instant it took effect, and writes it through to the cache, so the next read
   * anywhere sees it. Pricing does not own the catalog: any product id is accepted, as for a
   * product created a moment ago in the product subgraph. A price that changed is a
   * `product.price_changed` event, in the same statement.
   */
  async setPrice(ctx: RequestContext, input: { productId: string; amount: string }): Promise<ProductRef> {
    requireAdmin(ctx.identity);
    const { productId } = input;
    if (!isUuid(productId)) throw badUserInput('productId must be a product id (UUID).', { field: 'productId' });
    const entry = await writePrice(this.deps.prisma, productId, parsePriceAmount(input.amount), this.deps.currencyCode, ctx.clock());
    this.deps.source.forget(productId);
    await Promise.all([this.deps.cache.put(entry), this.deps.tags.bump([priceTag(productId)])]);
    return { id: productId, price: entry };
  }
}
