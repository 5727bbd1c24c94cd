/**
 * Rebuilds the affinity tables from the event stream: empties them, then replays every retained
 * event through the same consumer the service runs (so the result equals the incremental one
 * for the same events), and drops every cached partner list. Used by `npm run analytics:backfill`.
 */
import type { Logger } from '@platform/logger';
import { closeRedis, createRedis, createTagStore } from '@platform/redis';
import { emptyTables, replayStream, type ReplayReport } from '@platform/server/stream';
import { createCatalogCache } from './cache/catalog-cache.ts';
import { affinityTag, BESTSELLERS_TAG } from './cache/tags.ts';
import type { ProductConfig } from './config.ts';
import { createProductDb } from './data/prisma.ts';
import { AffinityConsumer } from './services/affinity-consumer.ts';

/** The tables the affinity consumer owns, emptied before a replay. */
export const AFFINITY_TABLES = ['ProductAffinity', 'ProductSales', 'AffinityCartLine', 'AffinityProcessedEvent'].map((t) => `"catalog"."${t}"`);

export async function backfillAffinity(config: ProductConfig, logger: Logger): Promise<ReplayReport> {
  const db = createProductDb({ ...config, DATABASE_POOL_SIZE: 2 });
  const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, logger });
  const tags = createTagStore(redis, logger);
  const cache = createCatalogCache(redis, logger, { productTtlSeconds: config.PRODUCT_CACHE_TTL_SECONDS, availabilityTtlSeconds: config.AVAILABILITY_CACHE_TTL_SECONDS });
  try {
    const before = await db.pg.query<{ id: string }>(`SELECT DISTINCT "productId"::text AS id FROM "catalog"."ProductAffinity"`);
    const consumer = new AffinityConsumer({ sql: db.pg, cache, tags, settings: { halfLifeDays: config.AFFINITY_HALF_LIFE_DAYS, sessionHours: config.AFFINITY_SESSION_HOURS }, clock: () => new Date() });
    const report = await replayStream(config, (event) => consumer.handle(event), () => emptyTables(db.pg, AFFINITY_TABLES));
    // Lists of products the replay no longer pairs would stay cached otherwise.
    const ids = before.map((r) => r.id);
    await Promise.all([cache.affinity.invalidate(ids), tags.bump([...ids.map(affinityTag), BESTSELLERS_TAG])]);
    logger.info({ events: report.read, products: ids.length }, 'affinity rebuilt from the stream');
    return report;
  } finally {
    await closeRedis(redis);
    await db.close();
  }
}
