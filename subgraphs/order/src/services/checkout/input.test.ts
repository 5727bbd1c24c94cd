import { describe, expect, it } from 'vitest';
import { addressProblem, assertWellFormed, fingerprint, normalizeAddress, type CheckoutInputValue } from './input.ts';

const address = { name: 'Tan Wei Ling', line1: '1 Raffles Place', line2: null, city: 'Singapore', postalCode: '048616', country: 'SG' };
const input: CheckoutInputValue = { idempotencyKey: 'k-1', expectedCartVersion: 3, shippingAddress: address, paymentToken: 'tok_ok' };

describe('checkout input', () => {
  it('normalizes blanks, an empty line2 and the country case', () => {
    expect(normalizeAddress({ ...address, name: '  Tan  ', line2: '   ', country: ' sg ' })).toEqual({ ...address, name: 'Tan', line2: null, country: 'SG' });
  });

  it('accepts a complete address', () => {
    expect(addressProblem(normalizeAddress(address))).toBeUndefined();
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ city: ' ' }, 'city'],
    [{ postalCode: '' }, 'postalCode'],
    [{ line1: 'x'.repeat(201) }, 'line1'],
    [{ line2: 'y'.repeat(201) }, 'line2'],
    [{ name: 'Tan\u0007' }, 'name'],
    [{ postalCode: '12/34' }, 'postalCode'],
    [{ country: 'SGP' }, 'country'],
  ])('refuses %o as InvalidAddress on %s', (change, field) => {
    expect(addressProblem(normalizeAddress({ ...address, ...change }))).toMatchObject({ __typename: 'InvalidAddress', field });
  });

  it('fingerprints the same input alike whatever its blanks and key order, and another input differently', () => {
    const same = { ...input, shippingAddress: { country: 'sg', postalCode: '048616 ', city: 'Singapore', line1: '1 Raffles Place', name: 'Tan Wei Ling' } };
    expect(fingerprint(same)).toBe(fingerprint(input));
    expect(fingerprint({ ...input, idempotencyKey: 'other' })).toBe(fingerprint(input));
    expect(fingerprint({ ...input, paymentToken: 'tok_declined' })).not.toBe(fingerprint(input));
    expect(fingerprint({ ...input, expectedCartVersion: 4 })).not.toBe(fingerprint(input));
  });

  it('refuses a malformed key or token as BAD_USER_INPUT', () => {
    expect(() => assertWellFormed({ ...input, idempotencyKey: '' })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' }) }));
    expect(() => assertWellFormed({ ...input, paymentToken: 'tok ok' })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'paymentToken' }) }));
  });
});
