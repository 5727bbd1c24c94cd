/**
 * The rules every part of the cart shares: which lines count (active, not saved for later), what
 * they add up to, when two lines are the same line (same product, same options, whatever order
 * the options were sent in), and how long an untouched cart lives.
 */
import Decimal from 'decimal.js';
import { canonicalJson } from '@platform/server';
import type { CartLineView, CartView, Owner } from '../data/carts.ts';

export type LineOptions = Record<string, string>;

/** The key of a line's options: canonical JSON (sorted keys), so key order never makes a second line. */
export const optionsKey = (options: LineOptions | null | undefined): string => canonicalJson(options ?? {});

/** Lines in the cart (they count in the totals and are checked out). */
export const activeLines = (cart: CartView): CartLineView[] => cart.lines.filter((l) => !l.savedForLater);

/** Lines saved for later. */
export const savedLines = (cart: CartView): CartLineView[] => cart.lines.filter((l) => l.savedForLater);

/** Sum of active line quantities. */
export const totalQuantity = (cart: CartView): number => activeLines(cart).reduce((sum, l) => sum + l.quantity, 0);

/** Captured unit price times quantity of one line. */
export const lineTotal = (line: Pick<CartLineView, 'unitPrice' | 'quantity'>): Decimal => new Decimal(line.unitPrice).times(line.quantity);

/** Sum of captured unit price times quantity over the active lines. */
export const subtotal = (cart: CartView): Decimal => activeLines(cart).reduce((sum, l) => sum.plus(lineTotal(l)), new Decimal(0));

/** True when two lines hold the same product with the same options. */
export const sameLine = (a: { productId: string; options: LineOptions | null }, b: { productId: string; options: LineOptions | null }): boolean =>
  a.productId === b.productId && optionsKey(a.options) === optionsKey(b.options);

/** The line of `cart` in the given list (saved or active) that is the same line as `line`, if any. */
export const twinOf = (cart: CartView, line: { productId: string; options: LineOptions | null }, saved: boolean): CartLineView | undefined =>
  cart.lines.find((l) => l.savedForLater === saved && sameLine(l, line));

/** Days an untouched cart lives, by owner type. */
export interface CartLifetimes {
  USER: number;
  GUEST: number;
}

/** When a cart of `owner` left untouched from `from` is deleted. */
export const expiryOf = (lifetimes: CartLifetimes, owner: Owner, from: Date): Date => new Date(from.getTime() + lifetimes[owner.ownerType] * 86_400_000);
