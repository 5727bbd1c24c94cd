import { describe, expect, it } from 'vitest';
import { hourOf, localHour } from './time-zones.ts';

describe('analytics local time', () => {
  it('gives the hour of day in the country of the cart, UTC for a country not listed', () => {
    const at = new Date('2026-11-30T23:30:00Z');
    expect([localHour(at, 'SG'), localHour(at, 'TH'), localHour(at, 'VN'), localHour(at, 'MM'), localHour(at, 'ZZ')]).toEqual([7, 6, 6, 6, 23]);
  });

  it('buckets an instant in the start of its UTC hour', () => {
    expect(hourOf(new Date('2026-11-30T23:59:59.999Z')).toISOString()).toBe('2026-11-30T23:00:00.000Z');
  });
});
