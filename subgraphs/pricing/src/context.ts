/** Per-request context of the pricing subgraph: the caller, fresh DataLoaders and the services. */
import type { Identity } from '@platform/auth';
import { createLoaders, type Loaders } from './data/loaders.ts';
import type { PriceSource } from './data/price-source.ts';
import type { RuleSource } from './data/rule-source.ts';
import type { CostService } from './services/costs.ts';
import type { CouponService } from './services/coupons.ts';
import type { PriceService } from './services/prices.ts';

/** What every request shares: built once at start-up. */
export interface PricingServices {
  priceSource: PriceSource;
  ruleSource: RuleSource;
  prices: PriceService;
  coupons: CouponService;
  costs: CostService;
  currencyCode: string;
}

export interface PricingContext {
  identity: Identity;
  loaders: Loaders;
  prices: PriceService;
  coupons: CouponService;
  costs: CostService;
  currencyCode: string;
}

export function createContext(identity: Identity, services: PricingServices): PricingContext {
  const { priceSource, ruleSource, ...rest } = services;
  return { identity, loaders: createLoaders(priceSource, ruleSource), ...rest };
}
