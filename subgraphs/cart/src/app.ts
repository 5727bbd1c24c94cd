/** Builds and starts the cart subgraph; used by `index.ts` and by the test harness. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Logger } from '@platform/logger';
import type { Redis } from '@platform/redis';
import { launchSubgraph, schedule, subgraphBasics, type RunningService } from '@platform/server';
import { createCartCache, type CartCache } from './cache/cart-cache.ts';
import { createCatalogClient } from './clients/catalog.ts';
import type { CartConfig } from './config.ts';
import { createContext } from './context.ts';
import { createCartDb } from './data/prisma.ts';
import { internalOperations } from './internal.ts';
import { cartResolvers } from './schema/cart/resolvers.ts';
import { CartService } from './services/cart.ts';
import { createEventPublisher, type EventPublisher } from './services/events.ts';
import { sweepExpired, type SweepReport } from './services/jobs.ts';

const typeDefs = parse(readFileSync(new URL('./schema/cart/schema.graphql', import.meta.url), 'utf8'));

export interface RunningCartSubgraph extends RunningService {
  sql: { count: number };
  carts: CartService;
  cache: CartCache;
  events: EventPublisher;
  redis: Redis;
  /** Runs the expiry sweep as of `now` (tests pass their own clock). */
  sweepExpired(now?: Date): Promise<SweepReport | null>;
}

export async function startCartSubgraph(config: CartConfig, logger: Logger, options: { now?: () => Date } = {}): Promise<RunningCartSubgraph> {
  const now = options.now ?? (() => new Date());
  const { metrics, redis, onSql } = subgraphBasics('cart', config, logger);
  const cacheMetric = metrics.counter('cart_cache_lookups_total', 'Cart cache lookups by result', ['result']);
  const { prisma, sql } = createCartDb(config, onSql);
  const catalog = createCatalogClient({ productUrl: config.PRODUCT_URL, pricingUrl: config.PRICING_URL, secret: config.INTERNAL_SECRET, timeoutMs: config.INTERNAL_CALL_TIMEOUT_MS });
  const cache = createCartCache(redis, logger, config.CART_CACHE_TTL_SECONDS, (hit) => cacheMetric.inc({ result: hit ? 'hit' : 'miss' }));
  const events = createEventPublisher(prisma, redis, config.REDIS_KEY_PREFIX, logger);
  const carts = new CartService({ prisma, catalog, cache, events, ttlDays: { USER: config.CART_TTL_USER_DAYS, GUEST: config.CART_TTL_GUEST_DAYS }, now });
  const merge = { prisma, catalog, writer: carts.writer, events, jwtSecret: config.AUTH_JWT_SECRET, now, expiresAt: carts.expiresAt.bind(carts) };
  const jobs = [
    schedule('cart-expiry-sweep', config.CART_SWEEP_INTERVAL_MS, () => sweepExpired(prisma, cache, now()), logger),
    schedule('cart-outbox-relay', config.OUTBOX_RELAY_INTERVAL_MS, () => events.relay(), logger),
  ];
  const service = await launchSubgraph({
    name: 'cart',
    typeDefs,
    resolvers: cartResolvers,
    context: (identity) =>
      createContext(identity, {
        prisma,
        carts,
        merge,
        jwtSecret: config.AUTH_JWT_SECRET,
        guestSessionDays: config.GUEST_SESSION_DAYS,
        shareDays: config.SHARE_LINK_DAYS,
        currencyCode: config.STORE_CURRENCY,
      }),
    internal: internalOperations(prisma, carts),
    config,
    db: prisma,
    redis,
    metrics,
    logger,
    beforeClose: async () => {
      for (const job of jobs) job.stop();
      await Promise.all(jobs.map((job) => job.idle()));
      await catalog.close();
    },
  });
  return {
    ...service,
    sql,
    carts,
    cache,
    events,
    redis,
    sweepExpired: (at = now()) => sweepExpired(prisma, cache, at),
  };
}
