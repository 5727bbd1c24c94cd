/**
 * `npm run analytics:backfill [-- cart|product]`: rebuilds the cart analytics rollups (cart
 * subgraph) and the product affinity tables (product subgraph) from the event stream, from its
 * first retained event (`EVENTS_MAX_AGE_HOURS`), with the same consumers the services run. Reads
 * the same environment as the services (`DATABASE_URL`, `NATS_URL`, `EVENTS_STREAM`, ...).
 * Safe while the services run: both sides dedupe per event id.
 */
import { createLogger } from '@platform/logger';
import { loadCartConfig } from '@subgraph/cart/config';
import { backfillAnalytics } from '@subgraph/cart/backfill';
import { loadProductConfig } from '@subgraph/product/config';
import { backfillAffinity } from '@subgraph/product/backfill';

const which = new Set(process.argv.slice(2).filter((a) => a !== '--'));
const unknown = [...which].filter((w) => w !== 'cart' && w !== 'product');
if (unknown.length) {
  console.error(`usage: npm run analytics:backfill [-- cart|product]   (unknown: ${unknown.join(', ')})`);
  process.exit(2);
}
const logger = createLogger('analytics-backfill');
try {
  if (which.size === 0 || which.has('cart')) {
    const report = await backfillAnalytics(loadCartConfig(), logger);
    console.log(`cart analytics: ${report.read} events replayed (through stream seq ${report.lastSeq})`);
  }
  if (which.size === 0 || which.has('product')) {
    const report = await backfillAffinity(loadProductConfig(), logger);
    console.log(`product affinity: ${report.read} events replayed (through stream seq ${report.lastSeq})`);
  }
} catch (error) {
  console.error(`analytics:backfill: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
