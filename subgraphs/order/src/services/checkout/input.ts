/**
 * Checkout input: the malformed (a client bug, BAD_USER_INPUT) is refused up front; the address
 * rules are business outcomes (InvalidAddress); the fingerprint ties an idempotency key to one
 * input.
 */
import { fingerprintOf } from '@platform/server';
import { badUserInput } from '@platform/errors';
import type { AddressValue } from '../../data/checkouts.ts';
import { InvalidAddress, type AddressField } from './errors.ts';

export type { AddressValue };

export interface CheckoutInputValue {
  idempotencyKey: string;
  expectedCartVersion: number;
  shippingAddress: { name: string; line1: string; line2?: string | null; city: string; postalCode: string; country: string };
  paymentToken: string;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
const PAYMENT_TOKEN = /^[\x21-\x7e]{1,200}$/;
// Control characters have no place on a shipping label.
const CONTROL = /[\u0000-\u001f\u007f]/;
const POSTAL_CODE = /^[A-Za-z0-9][A-Za-z0-9 -]*$/;
const COUNTRY = /^[A-Z]{2}$/;

const LIMITS: Record<Exclude<AddressField, 'country'>, { label: string; max: number; required: boolean }> = {
  name: { label: 'Name', max: 100, required: true },
  line1: { label: 'Address line 1', max: 200, required: true },
  line2: { label: 'Address line 2', max: 200, required: false },
  city: { label: 'City', max: 100, required: true },
  postalCode: { label: 'Postal code', max: 20, required: true },
};

/** Refuses a malformed key or token (client bugs, not business outcomes). */
export function assertWellFormed(input: Pick<CheckoutInputValue, 'idempotencyKey' | 'paymentToken'>): void {
  if (!IDEMPOTENCY_KEY.test(input.idempotencyKey)) throw badUserInput('`idempotencyKey` must be 1 to 128 printable ASCII characters.', { field: 'idempotencyKey' });
  if (!PAYMENT_TOKEN.test(input.paymentToken)) throw badUserInput('`paymentToken` must be 1 to 200 printable ASCII characters.', { field: 'paymentToken' });
}

/** The address with surrounding blanks trimmed, an empty line2 dropped and the country upper-cased. */
export function normalizeAddress(address: CheckoutInputValue['shippingAddress']): AddressValue {
  const line2 = address.line2?.trim();
  return {
    name: address.name.trim(),
    line1: address.line1.trim(),
    line2: line2 ? line2 : null,
    city: address.city.trim(),
    postalCode: address.postalCode.trim(),
    country: address.country.trim().toUpperCase(),
  };
}

/** The first rule a normalized address breaks (required fields, lengths, shapes), or undefined; the country's support is checked by pricing. */
export function addressProblem(address: AddressValue): InvalidAddress | undefined {
  for (const [field, rule] of Object.entries(LIMITS) as [keyof typeof LIMITS, (typeof LIMITS)[keyof typeof LIMITS]][]) {
    const value = address[field];
    if (!value) {
      if (rule.required) return new InvalidAddress(field, `${rule.label} is required.`);
      continue;
    }
    if (value.length > rule.max) return new InvalidAddress(field, `${rule.label} may be at most ${rule.max} characters.`);
    if (CONTROL.test(value)) return new InvalidAddress(field, `${rule.label} contains characters that cannot be printed.`);
  }
  if (!POSTAL_CODE.test(address.postalCode)) return new InvalidAddress('postalCode', 'Postal code may contain only letters, digits, spaces and dashes.');
  if (!COUNTRY.test(address.country)) return new InvalidAddress('country', 'Country must be an ISO 3166-1 alpha-2 code such as SG.');
  return undefined;
}

/** What a key is bound to: the cart version, the normalized address and the payment token (only its hash is kept with the key). */
export function fingerprint(input: CheckoutInputValue): string {
  const body = { expectedCartVersion: input.expectedCartVersion, shippingAddress: normalizeAddress(input.shippingAddress), paymentToken: input.paymentToken };
  return fingerprintOf('checkout', body);
}
