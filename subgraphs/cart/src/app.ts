/** Builds and starts the cart subgraph; used by `index.ts` and by the test harness. */
import type { Logger } from '@platform/logger';
import type { Redis } from '@platform/redis';
import { connectReadReplica, createBreakers, sqlGauge, launchSubgraph, LOCKS, schedule, subgraphBasics, type ReadRouter, type RunningService, type SqlExecutor } from '@platform/server';
import { subgraphEvents, warmUp, type RelayReport, type SubgraphEvents } from '@platform/server/stream';
import { pricingClient } from '@subgraph/pricing/contract';
import { productClient } from '@subgraph/product/contract';
import { createCartCache, type CartCache } from './cache/cart-cache.ts';
import type { CartConfig } from './config.ts';
import { createContext } from './context.ts';
import type { Owner } from './data/carts.ts';
import { createCartDb } from './data/prisma.ts';
import { internalOperations } from './internal.ts';
import { serviceContext, type RequestContext } from './request-context.ts';
import { resolvers, typeDefs } from './schema/index.ts';
import { createCartServices, type CartServices } from './services/index.ts';
import type { SweepReport } from './services/expiry-service.ts';
import { createNotifier, type Notifier } from './services/reminders/notifier.ts';
import { withRememberedPrices } from './services/price-memo.ts';
import { withStockHints } from './services/stock-hints.ts';
import { AnalyticsConsumer } from './services/analytics/analytics-consumer.ts';

/** The durable name of the cart analytics consumer on the stream. */
export const ANALYTICS_CONSUMER = 'cart-analytics';

export interface RunningCartSubgraph extends RunningService {
  sql: { count: number };
  services: CartServices;
  cache: CartCache;
  redis: Redis;
  /** A service context acting for `owner` (tests call services with it). */
  context(owner?: Owner | null): RequestContext;
  /** Runs the expiry sweep as of `now` (tests pass their own clock). */
  sweepExpired(now?: Date): Promise<SweepReport | null>;
  /** The event stream side: connection, relay (and its fault points), consumers. */
  events: SubgraphEvents;
  /** Publishes what the outbox holds now, as the relay's timer does. */
  relayEvents(): Promise<RelayReport>;
  /** Runs the abandoned-cart scan as of `now` (default: the subgraph's clock); how many carts it reported. */
  scanAbandoned(now?: Date): Promise<number | null>;
  /** The cart analytics consumer (the backfill replays the stream through it). */
  analytics: AnalyticsConsumer;
  /** Where `cartAnalytics` reads its rollups (the replica of `CART_READ_DATABASE_URL`, or the primary). */
  analyticsReads: ReadRouter<SqlExecutor>;
}

export interface CartSubgraphOptions {
  /** The clock of every cart change, the sweeps and the abandoned-cart scan; tests inject one. */
  now?: () => Date;
  /** Replaces the configured reminder notifier. */
  notifier?: Notifier;
}

export async function startCartSubgraph(config: CartConfig, logger: Logger, options: CartSubgraphOptions = {}): Promise<RunningCartSubgraph> {
  const clock = options.now ?? (() => new Date());
  const basics = subgraphBasics('cart', config, logger);
  const { metrics, redis, tags, onSql } = basics;
  const cacheMetric = metrics.counter('cart_cache_lookups_total', 'Cart cache lookups by result', ['result']);
  const database = createCartDb(config, onSql);
  const { prisma, sql } = database;
  const clientOptions = { secret: config.INTERNAL_SECRET, caller: 'cart', timeoutMs: config.INTERNAL_CALL_TIMEOUT_MS };
  const breakers = createBreakers(metrics, { failures: config.CIRCUIT_FAILURES, openMs: config.CIRCUIT_OPEN_MS });
  const product = withStockHints(productClient({ baseUrl: config.PRODUCT_URL, ...clientOptions, breaker: breakers.for('product') }), config.CART_WHEN_PRODUCT_DOWN);
  const priceMetric = metrics.counter('cart_price_memo_lookups_total', 'Prices asked for by cart writes, by whether the remembered price (its tag unchanged) was used', ['result']);
  const pricing = withRememberedPrices(pricingClient({ baseUrl: config.PRICING_URL, ...clientOptions, breaker: breakers.for('pricing') }), tags, {
    onLookup: (hit) => priceMetric.inc({ result: hit ? 'hit' : 'miss' }),
  });
  const cache = createCartCache(redis, logger, config.CART_CACHE_TTL_SECONDS, (hit) => cacheMetric.inc({ result: hit ? 'hit' : 'miss' }));
  // Background work (relay, scan) gets its own small pool and is not counted as request SQL.
  const backgroundDb = createCartDb({ ...config, DATABASE_POOL_SIZE: config.EVENTS_DATABASE_POOL_SIZE }, onSql);
  const background = backgroundDb.prisma;
  await warmUp(background);
  const events = subgraphEvents({ name: 'cart', config, logger, metrics, db: background, lockId: LOCKS.cartStreamRelay });
  const notifier = options.notifier ?? createNotifier(config, logger);
  // The analytics rollups may be read from a replica; carts, idempotency and every write use the primary.
  const replica = await connectReadReplica<SqlExecutor>({
    config,
    primary: { client: database.pg, sql: database.pg },
    connect: (url) => {
      const db = createCartDb({ ...config, databaseUrl: url }, onSql);
      return { client: db.pg, sql: db.pg, close: db.close };
    },
    redis,
    logger,
    metrics,
    metric: { name: 'cart_analytics_reads_total', help: 'cartAnalytics queries by where they ran (primary or replica) and whether the replica failed first' },
  });
  const reminders = metrics.counter('cart_reminders_total', 'Abandoned-cart events handled by the reminder consumer, by outcome', ['outcome']);
  const services = createCartServices(
    { prisma, db: database.pg, background, redis, tags, cache, product, pricing, notifier, logger, analyticsReads: replica.reads },
    {
      lifetimes: { USER: config.CART_TTL_USER_DAYS, GUEST: config.CART_TTL_GUEST_DAYS },
      jwtSecret: config.AUTH_JWT_SECRET,
      guestSessionDays: config.GUEST_SESSION_DAYS,
      shareDays: config.SHARE_LINK_DAYS,
      keyPrefix: config.REDIS_KEY_PREFIX,
      abandonedAfterHours: config.CART_ABANDONED_AFTER_HOURS,
      storefrontUrl: config.STOREFRONT_URL,
      observeReminder: (outcome) => reminders.inc({ outcome }),
    },
  );
  const contextDeps = { prisma, clock, logger };
  const context = (owner: Owner | null = null) => serviceContext(contextDeps, 'cart', owner);
  const sweepExpired = (at?: Date) => services.expiry.sweep(at ? { ...context(), clock: () => at } : context());
  const scanAbandoned = (at?: Date) => services.abandonment.scan(at ? { ...context(), clock: () => at } : context());
  events.consume({ durable: 'cart-reminders', filter: 'cart.abandoned', handle: async (event) => void (await services.reminders.handle(context(), event)) });
  const analytics = new AnalyticsConsumer({ sql: backgroundDb.pg, defaultCountry: config.DEFAULT_COUNTRY, clock, retentionHours: config.EVENTS_MAX_AGE_HOURS });
  // Cart events and order.paid feed it; every other type is acknowledged unread.
  events.consume({ durable: ANALYTICS_CONSUMER, filter: '>', handle: async (event) => void (await analytics.handle(event)), handleBatch: async (batch) => void (await analytics.handleBatch(batch)), lingerMs: config.EVENTS_CONSUMER_LINGER_MS });
  const jobs = [
    schedule('cart-expiry-sweep', config.CART_SWEEP_INTERVAL_MS, () => sweepExpired(), logger),
    schedule('cart-outbox-relay', config.OUTBOX_RELAY_INTERVAL_MS, () => services.events.relay(), logger),
    schedule('cart-abandonment-scan', config.CART_ABANDONED_SCAN_INTERVAL_MS, () => scanAbandoned(), logger),
    schedule('cart-analytics-prune', 3_600_000, () => analytics.prune(), logger),
    ...replica.jobs,
    events.job,
  ];
  sqlGauge(metrics, database.pool, {
    name: 'carts_active',
    help: 'Carts with active lines changed in the last 24 hours',
    everyMs: 60_000,
    sql: `/* shard:all carts_active gauge, a metric off the request path */ SELECT count(*) AS value FROM cart."Cart" c WHERE c."updatedAt" > now() - interval '24 hours' AND EXISTS (SELECT 1 FROM cart."CartLine" l WHERE l."cartId" = c."id" AND NOT l."savedForLater")`,
  });

  const service = await launchSubgraph({
    ...basics,
    db: database,
    typeDefs,
    resolvers,
    context: (identity, _req, tags) => createContext(identity, { ...contextDeps, services, currencyCode: config.STORE_CURRENCY }, tags),
    internal: internalOperations(contextDeps, services),
    jobs,
    optionalChecks: events.readiness,
    beforeClose: async () => {
      await events.close();
      await Promise.all([product.close(), pricing.close(), notifier.close(), backgroundDb.close(), replica.close()]);
    },
  });
  return { ...service, sql, services, cache, redis, context, sweepExpired, events, relayEvents: () => events.relay.drain(), scanAbandoned, analytics, analyticsReads: replica.reads };
}
