/**
 * Input checks that need no database: each returns the typed outcome or `undefined`, so they
 * chain, and a violation is answered before anything is written.
 */
import { isUuid } from '@platform/errors';
import { InvalidCoupon, InvalidCountry, InvalidOptions, InvalidQuantity, LineNotFound, MAX_QUANTITY, MIN_QUANTITY, ProductNotFound } from './errors.ts';
import type { LineOptions } from './cart-rules.ts';

export const MAX_OPTIONS_BYTES = 2048;
const COUPON_CODE = /^[A-Z0-9][A-Z0-9_-]{1,31}$/;
const COUNTRY = /^[A-Z]{2}$/;

export const checkQuantity = (quantity: number) => (Number.isInteger(quantity) && quantity >= MIN_QUANTITY && quantity <= MAX_QUANTITY ? undefined : new InvalidQuantity());
export const checkProductId = (id: string) => (isUuid(id) ? undefined : new ProductNotFound(id));
export const checkLineId = (id: string) => (isUuid(id) ? undefined : new LineNotFound(id));

/** Options are null or a flat object of 1..50 character keys and 0..100 character strings, at most 2 KB. */
export function parseOptions(options: unknown): LineOptions | null | InvalidOptions {
  if (options == null) return null;
  if (typeof options !== 'object' || Array.isArray(options)) return new InvalidOptions('Options must be an object such as {"size":"M"}.');
  const entries = Object.entries(options);
  if (entries.length > 20) return new InvalidOptions('At most 20 options per line.');
  if (Buffer.byteLength(JSON.stringify(options)) > MAX_OPTIONS_BYTES) return new InvalidOptions(`Options may take at most ${MAX_OPTIONS_BYTES} bytes.`);
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > 50) return new InvalidOptions('Option names must be 1 to 50 characters.');
    if (typeof value !== 'string' || value.length > 100) return new InvalidOptions(`Option "${key}" must be a string of at most 100 characters.`);
  }
  return options as LineOptions;
}

/** Coupon codes are matched case-insensitively and stored upper-case. */
export function normaliseCouponCode(code: string): string | InvalidCoupon {
  const normalised = code.trim().toUpperCase();
  return COUPON_CODE.test(normalised) ? normalised : new InvalidCoupon(code, 'MALFORMED', 'That is not a valid coupon code.');
}

export function normaliseCountry(country: string, supported: string[]): string | InvalidCountry {
  const normalised = country.trim().toUpperCase();
  return COUNTRY.test(normalised) && supported.includes(normalised) ? normalised : new InvalidCountry(country, supported);
}

/** Idempotency keys are opaque client strings of sane length. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
