/** Builds and starts the product subgraph; used by `index.ts` and by the test harness. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Logger } from '@platform/logger';
import { launchSubgraph, LOCKS, schedule, subgraphBasics, type RunningService } from '@platform/server';
import { subgraphEvents, warmUp, type RelayReport, type SubgraphEvents } from '@platform/server/stream';
import { createCatalogCache } from './cache/catalog-cache.ts';
import type { ProductConfig } from './config.ts';
import { createContext } from './context.ts';
import { createProductDb } from './data/prisma.ts';
import { internalOperations } from './internal.ts';
import { serviceContext } from './request-context.ts';
import { catalogResolvers } from './schema/catalog/resolvers.ts';
import { createProductServices } from './services/index.ts';
import type { SweepResult } from './services/inventory-service.ts';

const typeDefs = parse(readFileSync(new URL('./schema/catalog/schema.graphql', import.meta.url), 'utf8'));

export interface RunningProductSubgraph extends RunningService {
  sql: { count: number };
  /** Expires the reservations that have run out at `now` (default: the subgraph's clock), as the timer does. */
  sweepReservations(now?: Date): Promise<SweepResult>;
  /** The event stream side (connection, relay, its fault points). */
  events: SubgraphEvents;
  /** Publishes what the outbox holds now, as the relay's timer does. */
  relayEvents(): Promise<RelayReport>;
}

export interface ProductSubgraphOptions {
  /** The clock for reservation expiry; tests inject one. */
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
  const services = createProductServices(
    { prisma, cache, tags },
    { reservationTtlSeconds: config.RESERVATION_TTL_SECONDS, sweepBatchSize: config.RESERVATION_SWEEP_BATCH_SIZE, transactionWaitMs: config.DATABASE_ACQUIRE_TIMEOUT_MS },
  );
  const contextDeps = { reads: { prisma, cache }, clock, logger };

  const sweepReservations = async (now?: Date) => {
    const ctx = serviceContext(contextDeps, 'reservation-sweep');
    const result = await services.inventory.sweepExpired(now ? { ...ctx, clock: () => now } : ctx);
    if (result.expired) {
      sweptMetric.inc(result.expired);
      logger.info({ expired: result.expired }, 'expired stock reservations released');
    }
    return result;
  };
  // Every replica runs the timer; the advisory lock inside lets only one sweep at a time.
  const sweep = schedule('reservation-sweep', config.RESERVATION_SWEEP_INTERVAL_MS, () => sweepReservations(), logger);

  const service = await launchSubgraph({
    ...basics,
    db: database,
    typeDefs,
    resolvers: catalogResolvers,
    context: (identity, _req, tags) => createContext(identity, { ...contextDeps, services }, tags),
    internal: internalOperations(contextDeps, services),
    jobs: [sweep, events.job],
    optionalChecks: events.readiness,
    beforeClose: async () => {
      await events.close();
      await backgroundDb.close();
    },
  });
  return { ...service, sql, sweepReservations, events, relayEvents: () => events.relay.drain() };
}
