/**
 * Per-request DataLoaders: every price, coupon and country a request needs is fetched in one
 * batch, through the shared sources (Redis, then Postgres).
 */
import DataLoader from 'dataloader';
import type { CacheTags } from '@platform/server';
import type { PriceReads } from '../cache/price-reads.ts';
import type { RuleReads } from '../cache/rule-reads.ts';
import type { CouponRule } from './coupons.ts';
import type { CountryRates } from './countries.ts';
import type { PriceEntry } from './prices.ts';

export function createLoaders(prices: PriceReads, rules: RuleReads, tags: CacheTags | null = null) {
  let countries: Promise<CountryRates[]> | undefined;
  return {
    price: new DataLoader<string, PriceEntry | null>((ids) => prices.load(ids, tags)),
    /** Keyed by normalised code. */
    coupon: new DataLoader<string, CouponRule | null>((codes) => rules.coupons(codes, tags)),
    /** The country table, loaded at most once per request. */
    countries: (): Promise<CountryRates[]> => (countries ??= rules.countries(tags)),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
