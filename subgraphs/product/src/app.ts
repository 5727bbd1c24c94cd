/** Builds and starts the product subgraph; used by `index.ts` and by the test harness. */
import type { Logger } from '@platform/logger';
import { connectReadReplica, launchSubgraph, LOCKS, schedule, subgraphBasics, type ReadRouter, type RunningService, sqlGauge } from '@platform/server';
import { subgraphEvents, warmUp, type RelayReport, type SubgraphEvents } from '@platform/server/stream';
import { createCatalogCache } from './cache/catalog-cache.ts';
import type { CatalogDb, CatalogReads } from './cache/catalog-reads.ts';
import { createSaleCache } from './cache/flash-sales.ts';
import type { ProductConfig } from './config.ts';
import { createContext } from './context.ts';
import { AUDIT_MISMATCHES_SQL, INVARIANT_VIOLATIONS_SQL } from './data/inventory-books.ts';
import { createProductDb } from './data/prisma.ts';
import { internalOperations } from './internal.ts';
import { serviceContext } from './request-context.ts';
import { resolvers, typeDefs } from './schema/index.ts';
import { createProductServices } from './services/index.ts';
import type { FlashJobReport } from './services/flash-sales/admission-service.ts';
import { createFlashSaleMetrics } from './services/flash-sales/metrics.ts';
import type { SweepResult } from './services/inventory-service.ts';
import { AffinityConsumer } from './services/affinity-consumer.ts';

/** The durable name of the affinity consumer on the stream. */
export const AFFINITY_CONSUMER = 'product-affinity';
const HOUR_MS = 3_600_000;

export type { FlashJobReport } from './services/flash-sales/admission-service.ts';
export { AFFINITY_WRITES, CATALOG_WRITES } from './cache/catalog-reads.ts';

export interface RunningProductSubgraph extends RunningService {
  sql: { count: number };
  /** Expires the reservations that have run out at `now` (default: the subgraph's clock), as the timer does. */
  sweepReservations(now?: Date): Promise<SweepResult>;
  /** The event stream side (connection, relay, its fault points). */
  events: SubgraphEvents;
  /** Publishes what the outbox holds now, as the relay's timer does. */
  relayEvents(): Promise<RelayReport>;
  /** Runs flash-sale ends, token expiries and admissions as of `now` (default: the subgraph's clock), as the timer does. */
  runFlashSaleJobs(now?: Date): Promise<FlashJobReport>;
  /** The "frequently bought together" consumer (the backfill replays the stream through it). */
  affinity: AffinityConsumer;
  /** Where catalog reads go (the replica of `PRODUCT_READ_DATABASE_URL`, or the primary). */
  reads: ReadRouter<CatalogDb>;
}

export interface ProductSubgraphOptions {
  /** The clock for reservation expiry and flash sales; tests inject one. */
  now?: () => Date;
}

export async function startProductSubgraph(config: ProductConfig, logger: Logger, options: ProductSubgraphOptions = {}): Promise<RunningProductSubgraph> {
  const clock = options.now ?? (() => new Date());
  const basics = subgraphBasics('product', config, logger);
  const { metrics, redis, tags, onSql } = basics;
  const sweptMetric = metrics.counter('reservations_expired_total', 'Stock reservations released by the expiry sweep');
  const database = createProductDb(config, onSql);
  const { prisma, sql } = database;
  // The relay gets its own small pool, apart from requests (and from the request SQL count).
  const backgroundDb = createProductDb({ ...config, DATABASE_POOL_SIZE: config.EVENTS_DATABASE_POOL_SIZE }, onSql);
  const background = backgroundDb.prisma;
  await warmUp(background);
  const events = subgraphEvents({ name: 'product', config, logger, metrics, db: background, lockId: LOCKS.productStreamRelay });
  const cache = createCatalogCache(redis, logger, {
    productTtlSeconds: config.PRODUCT_CACHE_TTL_SECONDS,
    availabilityTtlSeconds: config.AVAILABILITY_CACHE_TTL_SECONDS,
    lookups: metrics.counter('cache_lookups_total', 'Catalog cache lookups by cache and result', ['cache', 'result']),
  });
  const sales = createSaleCache(prisma);
  // Catalog reads (product pages, lists, search, categories, recommendations) may come from a
  // replica; stock, reservations, flash sales and admin writes never do.
  const replica = await connectReadReplica<CatalogDb>({
    config,
    primary: { client: { prisma, sql: database.pg }, sql: database.pg },
    connect: (url) => {
      const db = createProductDb({ ...config, databaseUrl: url }, onSql);
      return { client: { prisma: db.prisma, sql: db.pg }, sql: db.pg, close: db.close };
    },
    redis,
    logger,
    metrics,
    metric: { name: 'catalog_reads_total', help: 'Catalog reads that missed the cache, by where they ran (primary or replica) and whether the replica failed first' },
  });
  const { reads } = replica;
  const catalogReads: CatalogReads = { prisma, cache, sql: database.pg, router: reads };
  const services = createProductServices(
    { prisma, pg: database.pg, cache, tags, reads: catalogReads, writes: reads },
    { reservationTtlSeconds: config.RESERVATION_TTL_SECONDS, sweepBatchSize: config.RESERVATION_SWEEP_BATCH_SIZE, transactionWaitMs: config.DATABASE_ACQUIRE_TIMEOUT_MS },
    {
      redis,
      keyPrefix: config.REDIS_KEY_PREFIX,
      logger,
      sales,
      metrics: createFlashSaleMetrics(metrics),
      secret: config.INTERNAL_SECRET,
      currencyCode: config.STORE_CURRENCY,
      tokenTtlSeconds: config.FLASH_SALE_TOKEN_TTL_SECONDS,
      joinLimits: {
        userRate: config.FLASH_SALE_JOIN_USER_RATE,
        userBurst: config.FLASH_SALE_JOIN_USER_BURST,
        globalRate: config.FLASH_SALE_JOIN_GLOBAL_RATE,
        globalBurst: config.FLASH_SALE_JOIN_GLOBAL_BURST,
      },
    },
  );
  const affinity = new AffinityConsumer({
    sql: backgroundDb.pg,
    cache,
    tags,
    settings: { halfLifeDays: config.AFFINITY_HALF_LIFE_DAYS, sessionHours: config.AFFINITY_SESSION_HOURS, retentionHours: config.EVENTS_MAX_AGE_HOURS },
    clock,
    writes: reads,
  });
  // Every event type arrives (cart and order events feed it); the rest are acknowledged unread.
  events.consume({ durable: AFFINITY_CONSUMER, filter: '>', handle: async (event) => void (await affinity.handle(event)), handleBatch: async (batch) => void (await affinity.handleBatch(batch)), lingerMs: config.EVENTS_CONSUMER_LINGER_MS });
  const contextDeps = { reads: catalogReads, sales, clock, logger };
  const at = (name: string, now?: Date) => {
    const ctx = serviceContext(contextDeps, name);
    return now ? { ...ctx, clock: () => now } : ctx;
  };

  const sweepReservations = async (now?: Date) => {
    const result = await services.inventory.sweepExpired(at('reservation-sweep', now));
    if (result.expired) {
      sweptMetric.inc(result.expired);
      logger.info({ expired: result.expired }, 'expired stock reservations released');
    }
    return result;
  };
  // A run by hand (tests, operators) always asks Postgres which sales are open; the timer mostly asks Redis.
  const runFlashSaleJobs = (now?: Date) => services.flashAdmissions.run(at('flash-sales', now), { discover: true });
  // Every replica runs the timers; advisory locks inside let one sweep, and one admitter per sale, at a time.
  const jobs = [
    schedule('reservation-sweep', config.RESERVATION_SWEEP_INTERVAL_MS, () => sweepReservations(), logger),
    schedule('flash-sales', config.FLASH_SALE_TICK_MS, () => services.flashAdmissions.run(at('flash-sales')), logger),
    schedule('affinity-prune', HOUR_MS, () => affinity.prune(), logger),
    ...replica.jobs,
  ];

  // Business state for dashboards and alerts (read when scraped, at most every 15 s / INVENTORY_CHECK_INTERVAL_MS).
  sqlGauge(metrics, database.pool, { name: 'stock_reservations_held', help: 'Units held by active checkout reservations', sql: `SELECT coalesce(sum("quantity"), 0) AS value FROM catalog."Reservation" WHERE "status" = 'ACTIVE'` });
  // The inventory books (data/inventory-books.ts): the invariant, and the audit log's.
  const everyMs = config.INVENTORY_CHECK_INTERVAL_MS;
  sqlGauge(metrics, database.pool, {
    name: 'inventory_invariant_violations',
    help: 'Products whose on hand + reserved + sold differs from what they received (or whose stock is negative); 0 when the books balance',
    everyMs,
    sql: INVARIANT_VIOLATIONS_SQL,
  });
  sqlGauge(metrics, database.pool, { name: 'inventory_audit_mismatches', help: 'Products whose on hand or reserved differs from the sum of their stock movements (a change without its audit row); 0 when every change was logged', everyMs, sql: AUDIT_MISMATCHES_SQL });

  const service = await launchSubgraph({
    ...basics,
    db: database,
    typeDefs,
    resolvers,
    context: (identity, _req, tags) => createContext(identity, { ...contextDeps, services }, tags),
    internal: internalOperations(contextDeps, services),
    jobs: [...jobs, events.job],
    optionalChecks: events.readiness,
    beforeClose: async () => {
      await events.close();
      await Promise.all([backgroundDb.close(), replica.close()]);
    },
  });
  return { ...service, sql, sweepReservations, runFlashSaleJobs, events, relayEvents: () => events.relay.drain(), affinity, reads };
}
