/** Builds and starts the cart subgraph; used by `index.ts` and by the test harness. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Logger } from '@platform/logger';
import type { Redis } from '@platform/redis';
import { launchSubgraph, schedule, subgraphBasics, type RunningService } from '@platform/server';
import { pricingClient } from '@subgraph/pricing/contract';
import { productClient } from '@subgraph/product/contract';
import { createCartCache, type CartCache } from './cache/cart-cache.ts';
import type { CartConfig } from './config.ts';
import { createContext } from './context.ts';
import type { Owner } from './data/carts.ts';
import { createCartDb } from './data/prisma.ts';
import { internalOperations } from './internal.ts';
import { serviceContext, type RequestContext } from './request-context.ts';
import { cartResolvers } from './schema/cart/resolvers.ts';
import { createCartServices, type CartServices } from './services/index.ts';
import type { SweepReport } from './services/expiry-service.ts';

const typeDefs = parse(readFileSync(new URL('./schema/cart/schema.graphql', import.meta.url), 'utf8'));

export interface RunningCartSubgraph extends RunningService {
  sql: { count: number };
  services: CartServices;
  cache: CartCache;
  redis: Redis;
  /** A service context acting for `owner` (tests call services with it). */
  context(owner?: Owner | null): RequestContext;
  /** Runs the expiry sweep as of `now` (tests pass their own clock). */
  sweepExpired(now?: Date): Promise<SweepReport | null>;
}

export async function startCartSubgraph(config: CartConfig, logger: Logger, options: { now?: () => Date } = {}): Promise<RunningCartSubgraph> {
  const clock = options.now ?? (() => new Date());
  const basics = subgraphBasics('cart', config, logger);
  const { metrics, redis, tags, onSql } = basics;
  const cacheMetric = metrics.counter('cart_cache_lookups_total', 'Cart cache lookups by result', ['result']);
  const database = createCartDb(config, onSql);
  const { prisma, sql } = database;
  const clientOptions = { secret: config.INTERNAL_SECRET, caller: 'cart', timeoutMs: config.INTERNAL_CALL_TIMEOUT_MS };
  const product = productClient({ baseUrl: config.PRODUCT_URL, ...clientOptions });
  const pricing = pricingClient({ baseUrl: config.PRICING_URL, ...clientOptions });
  const cache = createCartCache(redis, logger, config.CART_CACHE_TTL_SECONDS, (hit) => cacheMetric.inc({ result: hit ? 'hit' : 'miss' }));
  const services = createCartServices(
    { prisma, redis, tags, cache, product, pricing, logger },
    {
      lifetimes: { USER: config.CART_TTL_USER_DAYS, GUEST: config.CART_TTL_GUEST_DAYS },
      jwtSecret: config.AUTH_JWT_SECRET,
      guestSessionDays: config.GUEST_SESSION_DAYS,
      shareDays: config.SHARE_LINK_DAYS,
      keyPrefix: config.REDIS_KEY_PREFIX,
    },
  );
  const contextDeps = { prisma, clock, logger };
  const context = (owner: Owner | null = null) => serviceContext(contextDeps, 'cart', owner);
  const sweepExpired = (at?: Date) => services.expiry.sweep(at ? { ...context(), clock: () => at } : context());
  const jobs = [
    schedule('cart-expiry-sweep', config.CART_SWEEP_INTERVAL_MS, () => sweepExpired(), logger),
    schedule('cart-outbox-relay', config.OUTBOX_RELAY_INTERVAL_MS, () => services.events.relay(), logger),
  ];
  const service = await launchSubgraph({
    ...basics,
    db: database,
    typeDefs,
    resolvers: cartResolvers,
    context: (identity, _req, tags) => createContext(identity, { ...contextDeps, services, currencyCode: config.STORE_CURRENCY }, tags),
    internal: internalOperations(contextDeps, services),
    jobs,
    beforeClose: () => Promise.all([product.close(), pricing.close()]).then(() => undefined),
  });
  return { ...service, sql, services, cache, redis, context, sweepExpired };
}
