/** Builds and starts the pricing subgraph; used by `index.ts` and by the test harness. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Logger } from '@platform/logger';
import { launchSubgraph, LOCKS, subgraphBasics, type RunningService } from '@platform/server';
import { subgraphEvents, warmUp, type RelayReport, type SubgraphEvents } from '@platform/server/stream';
import { createPriceReads } from './cache/price-reads.ts';
import { createPriceCache } from './cache/prices.ts';
import { createRuleReads } from './cache/rule-reads.ts';
import { createRuleCache } from './cache/rules.ts';
import type { PricingConfig } from './config.ts';
import { createContext } from './context.ts';
import { createPricingDb } from './data/prisma.ts';
import { internalOperations } from './internal.ts';
import { priceResolvers } from './schema/prices/resolvers.ts';
import { createPricingServices } from './services/index.ts';

const typeDefs = parse(readFileSync(new URL('./schema/prices/schema.graphql', import.meta.url), 'utf8'));

export interface RunningPricingSubgraph extends RunningService {
  sql: { count: number };
  /** The event stream side (connection, relay, its fault points). */
  events: SubgraphEvents;
  /** Publishes what the outbox holds now, as the relay's timer does. */
  relayEvents(): Promise<RelayReport>;
}

export async function startPricingSubgraph(config: PricingConfig, logger: Logger): Promise<RunningPricingSubgraph> {
  const basics = subgraphBasics('pricing', config, logger);
  const { redis, tags, onSql, metrics } = basics;
  const database = createPricingDb(config, onSql);
  const { prisma, sql } = database;
  // The relay gets its own small pool, apart from requests (and from the request SQL count).
  const backgroundDb = createPricingDb({ ...config, DATABASE_POOL_SIZE: config.EVENTS_DATABASE_POOL_SIZE }, onSql);
  const background = backgroundDb.prisma;
  await warmUp(background);
  const events = subgraphEvents({ name: 'pricing', config, logger, metrics, db: background, lockId: LOCKS.pricingStreamRelay });

  const priceCache = createPriceCache(redis, logger, config.PRICE_CACHE_TTL_SECONDS);
  const ruleCache = createRuleCache(redis, logger, { couponTtlSeconds: config.COUPON_CACHE_TTL_SECONDS, countryTtlSeconds: config.COUNTRY_CACHE_TTL_SECONDS });
  const priceReads = createPriceReads(prisma, priceCache);
  const services = createPricingServices({ prisma, priceCache, priceReads, ruleCache, tags }, { currencyCode: config.STORE_CURRENCY, defaultCountry: config.DEFAULT_COUNTRY });
  const contextDeps = { prices: priceReads, rules: createRuleReads(prisma, ruleCache), clock: () => new Date(), logger };

  const service = await launchSubgraph({
    ...basics,
    db: database,
    typeDefs,
    resolvers: priceResolvers,
    context: (identity, _req, tags) => createContext(identity, { ...contextDeps, services, currencyCode: config.STORE_CURRENCY }, tags),
    internal: internalOperations(contextDeps, services),
    jobs: [events.job],
    optionalChecks: events.readiness,
    beforeClose: async () => {
      await events.close();
      await backgroundDb.close();
    },
  });
  return { ...service, sql, events, relayEvents: () => events.relay.drain() };
}
