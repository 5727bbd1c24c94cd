import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { parseCouponInput } from './coupon-service.ts';
import { hasPriceChanged, parsePriceAmount } from './price-service.ts';

const fieldOf = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return [error.extensions.code, error.extensions.field];
    throw error;
  }
  return undefined;
};

describe('parsePriceAmount', () => {
  it('normalises a valid amount to two decimals', () => {
    expect(parsePriceAmount('5')).toBe('5.00');
    expect(parsePriceAmount('0.01')).toBe('0.01');
    expect(parsePriceAmount('999999999999.99')).toBe('999999999999.99');
  });

  it.each(['0', '0.00', '-1', '1.001', '1000000000000', 'NaN', 'Infinity', ''])('refuses %j with BAD_USER_INPUT on amount', (amount) => {
    expect(fieldOf(() => parsePriceAmount(amount))).toEqual(['BAD_USER_INPUT', 'amount']);
  });
});

describe('hasPriceChanged', () => {
  const line = (amount: string, currencyCode = 'SGD') => ({ id: 'l1', product: { id: 'p1' }, unitPrice: { amount, currencyCode } });
  it('compares amounts as decimals, not strings', () => {
    expect(hasPriceChanged(line('10.0'), { amount: '10.00', currencyCode: 'SGD' })).toBe(false);
    expect(hasPriceChanged(line('10.00'), { amount: '10.01', currencyCode: 'SGD' })).toBe(true);
  });
  it('treats another currency as a change', () => {
    expect(hasPriceChanged(line('10.00', 'MYR'), { amount: '10.00', currencyCode: 'SGD' })).toBe(true);
  });
});

describe('parseCouponInput', () => {
  it('normalises the code, the amounts and the dates', () => {
    expect(parseCouponInput({ code: ' summer_sale ', kind: 'PERCENT', value: '15', minSubtotal: '20', startsAt: '2026-06-01T00:00:00+08:00', description: '  ' })).toEqual({
      code: 'SUMMER_SALE',
      kind: 'PERCENT',
      value: '15.00',
      minSubtotal: '20.00',
      startsAt: new Date('2026-05-31T16:00:00.000Z'),
      endsAt: null,
      maxRedemptions: null,
      description: null,
    });
  });

  it('accepts a 100 % coupon and a minimum of 0', () => {
    expect(parseCouponInput({ code: 'FREE', kind: 'PERCENT', value: '100', minSubtotal: '0' })).toMatchObject({ value: '100.00', minSubtotal: '0.00' });
  });

  it.each([
    [{ code: '-LEADING', kind: 'FIXED', value: '1' }, 'code'],
    [{ code: 'X'.repeat(33), kind: 'FIXED', value: '1' }, 'code'],
    [{ code: 'OK1', kind: 'PERCENT', value: '100.5' }, 'value'],
    [{ code: 'OK2', kind: 'FIXED', value: '0' }, 'value'],
    [{ code: 'OK3', kind: 'FIXED', value: '1', startsAt: 'soon' }, 'startsAt'],
    [{ code: 'OK4', kind: 'FIXED', value: '1', startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' }, 'endsAt'],
    [{ code: 'OK5', kind: 'FIXED', value: '1', maxRedemptions: 1.5 }, 'maxRedemptions'],
    [{ code: 'OK6', kind: 'FIXED', value: '1', description: 'x'.repeat(201) }, 'description'],
  ] as const)('refuses %j on %s', (input, field) => {
    expect(fieldOf(() => parseCouponInput(input))).toEqual(['BAD_USER_INPUT', field]);
  });
});
