/**
 * Coupons and country rates for cart views: Redis first, Postgres for what is missing. Unknown
 * coupon codes are cached too (as `null`), so a cart carrying a bad code costs no query.
 */
import type { CacheTags } from '@platform/server';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { RuleCache } from './rules.ts';
import { couponTag, RATES_TAG } from './tags.ts';
import { findCoupons, toCouponRule, type CouponRule } from '../data/coupons.ts';
import { findCountryRates, type CountryRates } from '../data/countries.ts';

export interface RuleReads {
  /** Coupons aligned with normalised `codes`; `null` for an unknown code. Notes their cache tags first in `tags`. */
  coupons(codes: readonly string[], tags?: CacheTags | null): Promise<(CouponRule | null)[]>;
  /** Every country the store ships to. Notes the rates' cache tag first in `tags` (and then reads on its own). */
  countries(tags?: CacheTags | null): Promise<CountryRates[]>;
}

export function createRuleReads(prisma: PrismaClient, cache: RuleCache): RuleReads {
  let countriesInFlight: Promise<CountryRates[]> | undefined;

  async function loadCountries(tags?: CacheTags | null): Promise<CountryRates[]> {
    const [, cached] = await Promise.all([tags?.guard([RATES_TAG]), cache.getCountries()]);
    if (cached) return cached;
    const rates = await findCountryRates(prisma);
    await cache.setCountries(rates);
    return rates;
  }

  return {
    async coupons(codes, tags) {
      const [, cached] = await Promise.all([tags?.guard(codes.map(couponTag)), cache.getCoupons(codes)]);
      const misses = codes.filter((_, i) => cached[i] === undefined);
      if (misses.length === 0) return cached.map((c) => c ?? null);
      const rows = new Map((await findCoupons(prisma, misses)).map((row) => [row.code, toCouponRule(row)]));
      await cache.setCoupons(misses.map((code) => ({ code, rule: rows.get(code) ?? null })));
      return codes.map((code, i) => cached[i] ?? rows.get(code) ?? null);
    },
    countries(tags) {
      if (tags) return loadCountries(tags);
      // One load at a time per process: concurrent reads share it.
      countriesInFlight ??= loadCountries().finally(() => {
        countriesInFlight = undefined;
      });
      return countriesInFlight;
    },
  };
}
