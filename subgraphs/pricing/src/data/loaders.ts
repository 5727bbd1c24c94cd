/**
 * Per-request DataLoaders: every price, coupon and country a request needs is fetched in one
 * batch, through the shared sources (Redis, then Postgres).
 */
import DataLoader from 'dataloader';
import type { PriceReads } from '../cache/price-reads.ts';
import type { RuleReads } from '../cache/rule-reads.ts';
import type { CouponRule } from './coupons.ts';
import type { CountryRates } from './countries.ts';
import type { PriceEntry } from './prices.ts';

export function createLoaders(prices: PriceReads, rules: RuleReads) {
  let countries: Promise<CountryRates[]> | undefined;
  return {
    price: new DataLoader<string, PriceEntry | null>((ids) => prices.load(ids)),
    /** Keyed by normalised code. */
    coupon: new DataLoader<string, CouponRule | null>((codes) => rules.coupons(codes)),
    /** The country table, loaded at most once per request. */
    countries: (): Promise<CountryRates[]> => (countries ??= rules.countries()),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
