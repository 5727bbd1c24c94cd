/** The pricing subgraph's services, built once at start-up and shared by every request. */
import type { TagStore } from '@platform/redis';
import type { PriceReads } from '../cache/price-reads.ts';
import type { PriceCache } from '../cache/prices.ts';
import type { RuleCache } from '../cache/rules.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { CostService } from './cost-service.ts';
import { CouponService } from './coupon-service.ts';
import { PriceService } from './price-service.ts';

export function createPricingServices(deps: { prisma: PrismaClient; priceCache: PriceCache; priceReads: PriceReads; ruleCache: RuleCache; tags: TagStore }, settings: { currencyCode: string; defaultCountry: string }) {
  const { prisma, tags } = deps;
  const { currencyCode } = settings;
  return {
    prices: new PriceService({ prisma, cache: deps.priceCache, source: deps.priceReads, tags, currencyCode }),
    coupons: new CouponService({ prisma, cache: deps.ruleCache, tags, currencyCode }),
    costs: new CostService({ prisma, cache: deps.ruleCache, tags, currencyCode, defaultCountry: settings.defaultCountry }),
  };
}
export type PricingServices = ReturnType<typeof createPricingServices>;
