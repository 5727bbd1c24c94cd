/**
 * Per-request DataLoaders: every price, coupon and country a request needs is fetched in one
 * batch, through the shared sources (Redis, then Postgres).
 */
import DataLoader from 'dataloader';
import type { PriceEntry } from './prices.ts';
import type { PriceSource } from './price-source.ts';
import type { RuleSource } from './rule-source.ts';
import type { CountryRates, CouponRule } from '../services/cost.ts';

export function createLoaders(prices: PriceSource, rules: RuleSource) {
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
