/**
 * Coupons and the country table in Redis, for cart views (checkout reads Postgres):
 *
 * - `pricing:coupon:v1:<CODE>`: JSON `CouponRule`, or `null` for an unknown code, TTL
 *   `COUPON_CACHE_TTL_SECONDS`; dropped by createCoupon, redemptions and reversals (once Redis
 *   is back when it is down at the time).
 * - `pricing:countries:v1`: JSON `CountryRates[]`, TTL `COUNTRY_CACHE_TTL_SECONDS`; dropped when
 *   an administrator changes a country's rates (`setCountryRates`). A change made straight in the
 *   tables (a migration or the seed) reaches cart views within the TTL.
 */
import { createJsonCache, type Redis } from '@platform/redis';
import type { Logger } from '@platform/logger';
import type { CouponRule } from '../data/coupons.ts';
import type { CountryRates } from '../data/countries.ts';
import { createInvalidator } from './invalidation.ts';

export const couponKey = (code: string): string => `pricing:coupon:v1:${code}`;
export const COUNTRIES_KEY = 'pricing:countries:v1';

export interface RuleCacheSettings {
  couponTtlSeconds: number;
  countryTtlSeconds: number;
}

export function createRuleCache(redis: Redis, logger: Logger, settings: RuleCacheSettings) {
  const json = createJsonCache(redis, logger);
  const invalidator = createInvalidator(redis, logger, couponKey('*'));
  const countryInvalidator = createInvalidator(redis, logger, COUNTRIES_KEY);
  return {
    /** Cached coupons aligned with `codes`: a rule, `null` (known unknown), or `undefined` (miss). */
    getCoupons: (codes: readonly string[]) => json.getMany<CouponRule | null>(codes.map(couponKey)),
    setCoupons: (entries: readonly { code: string; rule: CouponRule | null }[]) =>
      json.setMany(
        entries.map((e) => ({ key: couponKey(e.code), value: e.rule })),
        settings.couponTtlSeconds,
      ),
    /** Drops coupons after a change to them (creation, redemption, reversal). */
    invalidateCoupons: (codes: readonly string[]) => invalidator.drop(codes.map(couponKey)),
    async getCountries(): Promise<CountryRates[] | undefined> {
      const [rates] = await json.getMany<CountryRates[]>([COUNTRIES_KEY]);
      return rates;
    },
    setCountries: (rates: CountryRates[]) => json.setMany([{ key: COUNTRIES_KEY, value: rates }], settings.countryTtlSeconds),
    /** Drops the country table after an admin changed it (once Redis is back when it is down). */
    invalidateCountries: () => countryInvalidator.drop([COUNTRIES_KEY]),
  };
}
export type RuleCache = ReturnType<typeof createRuleCache>;
