/**
 * Demo coupons, tax and shipping tables. Amounts are exact decimal strings in the store
 * currency (SGD); dates are ISO-8601 instants on Singapore time, where the marketplace runs
 * its campaigns.
 */

export interface SeedCoupon {
  code: string;
  kind: 'PERCENT' | 'FIXED';
  value: string;
  description: string;
  minSubtotal: string | null;
  startsAt: string | null;
  endsAt: string | null;
  maxRedemptions: number | null;
}

export const COUPONS: SeedCoupon[] = [
  { code: 'WELCOME10', kind: 'PERCENT', value: '10.00', description: '10% off orders from S$50', minSubtotal: '50.00', startsAt: null, endsAt: null, maxRedemptions: null },
  { code: 'SAVE5', kind: 'FIXED', value: '5.00', description: 'S$5 off orders from S$30', minSubtotal: '30.00', startsAt: null, endsAt: null, maxRedemptions: null },
  {
    code: 'MEGA1111',
    kind: 'PERCENT',
    value: '11.00',
    description: '11.11 Mega Sale: 11% off, first 1,111 orders',
    minSubtotal: null,
    startsAt: '2026-11-01T00:00:00.000+08:00',
    endsAt: '2026-11-30T23:59:59.999+08:00',
    maxRedemptions: 1111,
  },
  {
    code: 'EXPIRED2025',
    kind: 'FIXED',
    value: '10.00',
    description: 'Year-end 2025 sale: S$10 off (ended)',
    minSubtotal: null,
    startsAt: '2025-12-01T00:00:00.000+08:00',
    endsAt: '2025-12-31T23:59:59.999+08:00',
    maxRedemptions: null,
  },
];

/** VAT/GST/SST by shipping country, as fractions. */
export const TAX_RATES: { country: string; rate: string }[] = [
  { country: 'SG', rate: '0.0900' },
  { country: 'MY', rate: '0.0800' },
  { country: 'ID', rate: '0.1100' },
  { country: 'TH', rate: '0.0700' },
  { country: 'VN', rate: '0.1000' },
  { country: 'PH', rate: '0.1200' },
];

/** Flat shipping by country, free at or above `freeOver`. */
export const SHIPPING_RATES: { country: string; amount: string; freeOver: string | null }[] = [
  { country: 'SG', amount: '4.99', freeOver: '60.00' },
  { country: 'MY', amount: '8.00', freeOver: '100.00' },
  { country: 'ID', amount: '9.00', freeOver: '120.00' },
  { country: 'TH', amount: '7.50', freeOver: '100.00' },
  { country: 'VN', amount: '8.50', freeOver: '100.00' },
  { country: 'PH', amount: '9.50', freeOver: '120.00' },
];
