/**
 * Rebuilds the cart analytics rollups from the event stream: empties them (and the consumer's
 * per-cart state and processed-event record), then replays every retained event through the
 * same consumer the service runs, so the result equals the incremental one for the same
 * events. Used by `npm run analytics:backfill`.
 */
import type { Logger } from '@platform/logger';
import { emptyTables, replayStream, type ReplayReport } from '@platform/server/stream';
import type { CartConfig } from './config.ts';
import { createCartDb } from './data/prisma.ts';
import { AnalyticsConsumer } from './services/analytics/analytics-consumer.ts';

/** The tables the analytics consumer owns, emptied before a replay. */
export const ANALYTICS_TABLES = ['AnalyticsProductHour', 'AnalyticsProductDay', 'AnalyticsCartHour', 'AnalyticsAddsHour', 'AnalyticsCheckoutDuration', 'AnalyticsCheckoutDurationDay', 'AnalyticsCart', 'AnalyticsProcessedEvent'].map((t) => `"cart"."${t}"`);

export async function backfillAnalytics(config: CartConfig, logger: Logger): Promise<ReplayReport> {
  const db = createCartDb({ ...config, DATABASE_POOL_SIZE: 2 });
  try {
    const consumer = new AnalyticsConsumer({ sql: db.pg, defaultCountry: config.DEFAULT_COUNTRY, clock: () => new Date() });
    const report = await replayStream(config, (event) => consumer.handle(event), () => emptyTables(db.pg, ANALYTICS_TABLES));
    logger.info({ events: report.read }, 'cart analytics rebuilt from the stream');
    return report;
  } finally {
    await db.close();
  }
}
