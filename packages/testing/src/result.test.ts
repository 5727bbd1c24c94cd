import { describe, expect, expectTypeOf, it } from 'vitest';
import { describeResult, expectEachType, expectType } from './result.ts';

type AddResult =
  | { __typename: 'Cart'; id: string; version: number }
  | { __typename: 'VersionConflict'; code: string; message: string; currentVersion: number }
  | { __typename: 'InvalidQuantity'; code: string; message: string };

const cart = { __typename: 'Cart', id: 'c-1', version: 3 } as AddResult;
const conflict = { __typename: 'VersionConflict', code: 'VERSION_CONFLICT', message: 'The cart changed.', currentVersion: 4 } as AddResult;

describe('expectType', () => {
  it('returns the result narrowed to the named member', () => {
    const narrowed = expectType(cart, 'Cart');
    expectTypeOf(narrowed).toEqualTypeOf<{ __typename: 'Cart'; id: string; version: number }>();
    expect(narrowed).toBe(cart);
  });

  it('fails with the __typename, code, message and fields of what came back', () => {
    expect(() => expectType(conflict, 'Cart')).toThrow('expected Cart, got VersionConflict [VERSION_CONFLICT] "The cart changed." {"currentVersion":4}');
  });

  it('fails on null and undefined', () => {
    expect(() => expectType(null as AddResult | null, 'Cart')).toThrow('expected Cart, got null');
    expect(() => expectType(undefined as AddResult | undefined, 'Cart')).toThrow('expected Cart, got undefined');
  });
});

describe('expectEachType', () => {
  it('returns every element narrowed when all match', () => {
    expect(expectEachType([cart, cart], 'Cart').map((c) => c.version)).toEqual([3, 3]);
  });

  it('lists every element that does not match, by index', () => {
    const invalid = { __typename: 'InvalidQuantity', code: 'INVALID_QUANTITY', message: 'At most 999.' } as AddResult;
    expect(() => expectEachType([cart, conflict, cart, invalid], 'Cart')).toThrow(
      'expected 4 x Cart, 2 were not:\n  #1: VersionConflict [VERSION_CONFLICT] "The cart changed." {"currentVersion":4}\n  #3: InvalidQuantity [INVALID_QUANTITY] "At most 999."',
    );
  });
});

describe('describeResult', () => {
  it('shortens long field lists', () => {
    const described = describeResult({ __typename: 'Cart', lines: 'x'.repeat(1000) });
    expect(described).toMatch(/^Cart \{"lines":"x+\.\.\.$/);
    expect(described).toHaveLength('Cart '.length + 400 + '...'.length);
  });
});
