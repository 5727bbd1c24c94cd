/**
 * Money is exact: amounts are decimal.js values in code, `Decimal(14,2)` in Postgres and
 * strings on the wire. Rounding rule: half-up to 2 places, applied once per computed amount.
 */
import Decimal from 'decimal.js';

export type DecimalLike = Decimal.Value | { toString(): string };

export const toDecimal = (value: DecimalLike): Decimal => new Decimal(typeof value === 'object' && !(value instanceof Decimal) ? value.toString() : (value as Decimal.Value));

/** Rounds half-up to cents. */
export const roundMoney = (value: Decimal): Decimal => value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/** The wire shape of an amount: a string with exactly two decimals. */
export function money(amount: DecimalLike, currencyCode: string) {
  return { amount: roundMoney(toDecimal(amount)).toFixed(2), currencyCode };
}
