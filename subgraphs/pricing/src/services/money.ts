/**
 * Money is exact: amounts are decimal.js values in code, `Decimal(14,2)` in Postgres and
 * strings on the wire. Rounding rule: half-up to 2 places, applied once per computed amount.
 *
 * decimal.js keeps 20 significant digits: a Decimal(14,2) amount (at most 14 digits) times a
 * tax rate (4 decimals) or a percentage (at most 5 digits) needs at most 19, so every
 * intermediate result below is exact before the one rounding.
 */
import Decimal from 'decimal.js';

export { Decimal };

export type DecimalLike = Decimal.Value | { toString(): string };

export const toDecimal = (value: DecimalLike): Decimal => new Decimal(typeof value === 'object' && !(value instanceof Decimal) ? value.toString() : (value as Decimal.Value));

/** Rounds half-up to cents. */
export const roundMoney = (value: Decimal): Decimal => value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/** The wire shape of an amount: a string with exactly two decimals. */
export function money(amount: DecimalLike, currencyCode: string) {
  return { amount: roundMoney(toDecimal(amount)).toFixed(2), currencyCode };
}
export type Money = ReturnType<typeof money>;

/** The largest amount a `Decimal(14,2)` column holds. */
export const MAX_AMOUNT = new Decimal('999999999999.99');

/** True when `value` has at most two decimals (an amount in cents). */
export const hasCents = (value: Decimal): boolean => value.decimalPlaces() <= 2;

/** An amount for people: "SGD 50.00". */
export const formatMoney = (amount: DecimalLike, currencyCode: string): string => `${currencyCode} ${roundMoney(toDecimal(amount)).toFixed(2)}`;
