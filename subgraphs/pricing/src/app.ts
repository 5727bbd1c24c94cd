/** Builds and starts the pricing subgraph; used by `index.ts` and by the test harness. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Logger } from '@platform/logger';
import { launchSubgraph, subgraphBasics, type RunningService } from '@platform/server';
import type { PricingConfig } from './config.ts';
import { createContext, type PricingServices } from './context.ts';
import { createPricingDb } from './data/prisma.ts';
import { createPriceSource } from './data/price-source.ts';
import { createRuleSource } from './data/rule-source.ts';
import { createPriceCache } from './cache/prices.ts';
import { createRuleCache } from './cache/rules.ts';
import { internalOperations } from './internal.ts';
import { priceResolvers } from './schema/prices/resolvers.ts';
import { createPriceService } from './services/prices.ts';
import { createCouponService } from './services/coupons.ts';
import { createCostService } from './services/costs.ts';

const typeDefs = parse(readFileSync(new URL('./schema/prices/schema.graphql', import.meta.url), 'utf8'));

export interface RunningPricingSubgraph extends RunningService {
  sql: { count: number };
}

export async function startPricingSubgraph(config: PricingConfig, logger: Logger): Promise<RunningPricingSubgraph> {
  const { metrics, redis, onSql } = subgraphBasics('pricing', config, logger);
  const { prisma, sql } = createPricingDb(config, onSql);

  const priceCache = createPriceCache(redis, logger, config.PRICE_CACHE_TTL_SECONDS);
  const ruleCache = createRuleCache(redis, logger, { couponTtlSeconds: config.COUPON_CACHE_TTL_SECONDS, countryTtlSeconds: config.COUNTRY_CACHE_TTL_SECONDS });
  const priceSource = createPriceSource(prisma, priceCache);
  const currencyCode = config.STORE_CURRENCY;
  const services: PricingServices = {
    priceSource,
    ruleSource: createRuleSource(prisma, ruleCache),
    prices: createPriceService({ prisma, cache: priceCache, source: priceSource, currencyCode }),
    coupons: createCouponService({ prisma, cache: ruleCache, currencyCode }),
    costs: createCostService({ prisma, currencyCode, defaultCountry: config.DEFAULT_COUNTRY }),
    currencyCode,
  };

  const service = await launchSubgraph({
    name: 'pricing',
    typeDefs,
    resolvers: priceResolvers,
    context: (identity) => createContext(identity, services),
    internal: internalOperations(prisma, services),
    config,
    db: prisma,
    redis,
    metrics,
    logger,
  });
  return { ...service, sql };
}
