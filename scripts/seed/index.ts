/**
 * Idempotent demo-data seed for the catalog and pricing schemas. It only ever inserts what is
 * missing (ON CONFLICT DO NOTHING), so it is safe on every start, safe to run concurrently, and
 * never overwrites stock or prices an admin has changed since.
 *
 * CLI: `npm run db:seed` (reads PRODUCT_/PRICING_/DATABASE_URL and STORE_CURRENCY).
 */
import { pathToFileURL } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { commonShape, databaseUrlFor, loadConfig } from '@platform/config';
import { createLogger } from '@platform/logger';
import { PrismaClient as PricingClient } from '../../subgraphs/pricing/src/generated/prisma/client.ts';
import { PrismaClient as CatalogClient } from '../../subgraphs/product/src/generated/prisma/client.ts';
import { buildCatalog } from './catalog-data.ts';
import { writeCatalog } from './write-catalog.ts';
import { buildOrderHistory } from './order-history.ts';
import { writeOrderHistory } from './write-history.ts';
import { writePrices, writePricingTables } from './write-pricing.ts';

export interface SeedOptions {
  productDatabaseUrl: string;
  pricingDatabaseUrl: string;
  /** ISO 4217 code recorded with the demo prices (amounts are not converted); defaults to SGD. */
  currencyCode?: string;
  log?: (message: string) => void;
}

export interface SeedResult {
  /** Rows in the catalog tables after seeding (seeded or not). */
  categories: number;
  products: number;
}

// The pool has no acquire timeout by default; without one an unreachable database hangs start-up.
const adapterFor = (connectionString: string) => new PrismaPg({ connectionString, connectionTimeoutMillis: 5_000 });

/**
 * Writes the demo catalog, stock, prices, coupons, tax and shipping tables, inserting only
 * missing rows. Returns how many categories and products the catalog holds afterwards.
 */
export async function seedDemoData(options: SeedOptions): Promise<SeedResult> {
  const log = options.log ?? (() => {});
  const currencyCode = options.currencyCode ?? 'SGD';
  const started = performance.now();
  const catalog = buildCatalog();
  const catalogDb = new CatalogClient({ adapter: adapterFor(options.productDatabaseUrl) });
  const pricingDb = new PricingClient({ adapter: adapterFor(options.pricingDatabaseUrl) });
  const inCatalog = <T>(work: Promise<T>) => work.catch((error: unknown) => Promise.reject(seedError(error, 'catalog', options.productDatabaseUrl)));
  const inPricing = <T>(work: Promise<T>) => work.catch((error: unknown) => Promise.reject(seedError(error, 'pricing', options.pricingDatabaseUrl)));
  try {
    // Prices need the catalog's product ids; coupons, tax and shipping need nothing, so they go in parallel.
    const [tables, written] = await Promise.all([
      inPricing(writePricingTables(pricingDb)),
      inCatalog(writeCatalog(catalogDb, catalog)).then(async (result) => {
        const prices = new Map(catalog.products.map((p) => [result.productIds.get(p.sku) ?? p.id, p.price]));
        const [newPrices, history] = await Promise.all([inPricing(writePrices(pricingDb, prices, currencyCode)), inCatalog(writeOrderHistory(catalogDb, buildOrderHistory(catalog)))]);
        return { ...result, newPrices, history };
      }),
    ]);
    log(
      `seed: added ${written.newCategories} categories, ${written.newProducts} products, ${written.newInventory} stock rows, ` +
        `${written.newPrices} prices, ${written.history.pairs} affinity pairs and ${written.history.sales} best-seller rows from a demo order history, ${tables.coupons} coupons, ${tables.taxRates} tax and ${tables.shippingRates} shipping rates ` +
        `in ${Math.round(performance.now() - started)} ms`,
    );
    return written.totals;
  } finally {
    await Promise.all([catalogDb.$disconnect(), pricingDb.$disconnect()]);
  }
}

/** One readable line for a failed write: which database (password hidden), what went wrong, the likely fix. */
function seedError(error: unknown, schema: 'catalog' | 'pricing', url: string): Error {
  type AdapterCause = { kind?: string; originalMessage?: string };
  const cause = (error as { meta?: { driverAdapterError?: { cause?: AdapterCause } } }).meta?.driverAdapterError?.cause;
  const where = (() => {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  })();
  let detail = cause?.originalMessage ?? (error instanceof Error ? error.message.trim().split('\n').at(-1) : undefined) ?? String(error);
  if (cause?.kind === 'DatabaseNotReachable') detail = 'cannot reach the server; is Postgres running?';
  if (cause?.kind === 'TableDoesNotExist' || cause?.kind === 'DatabaseDoesNotExist') detail += '; run `npm run db:migrate` first';
  return new Error(`seed (${schema} at ${where}): ${detail}`, { cause: error });
}

async function main(): Promise<void> {
  const config = loadConfig({ STORE_CURRENCY: commonShape.STORE_CURRENCY, LOG_LEVEL: commonShape.LOG_LEVEL });
  const logger = createLogger('seed', { level: config.LOG_LEVEL, pretty: true });
  const result = await seedDemoData({
    productDatabaseUrl: databaseUrlFor('product'),
    pricingDatabaseUrl: databaseUrlFor('pricing'),
    currencyCode: config.STORE_CURRENCY,
    log: (m) => logger.info(m),
  });
  logger.info(`seeded: ${result.categories} categories, ${result.products} products`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
