/**
 * The cart's services on real Postgres and Redis without the gateway or the cart's HTTP front:
 * its own database (from the test template), its own Redis key prefix, and the real product and
 * pricing subgraphs on free ports for what the cart asks them. For tests of CartWriter and
 * MergeService themselves.
 */
import { randomBytes } from 'node:crypto';
import { createLogger } from '@platform/logger';
import { closeRedis, createRedis, createTagStore, type Redis } from '@platform/redis';
import { TEST_INTERNAL_SECRET, TEST_REDIS_URL, createTestDatabase, type TestDatabase } from '@platform/e2e/support';
import { loadProductConfig } from '@subgraph/product/config';
import { startProductSubgraph } from '@subgraph/product';
import { productClient } from '@subgraph/product/contract';
import { loadPricingConfig } from '@subgraph/pricing/config';
import { startPricingSubgraph } from '@subgraph/pricing';
import { pricingClient } from '@subgraph/pricing/contract';
import { createCartCache } from '../src/cache/cart-cache.ts';
import type { Owner } from '../src/data/carts.ts';
import { createCartDb } from '../src/data/prisma.ts';
import { serviceContext, type RequestContext } from '../src/request-context.ts';
import { LogNotifier } from '../src/services/reminders/notifier.ts';
import { createCartServices, type CartServices } from '../src/services/index.ts';

export const JWT_SECRET = 'service-test-jwt-secret-0123456789-0123456789';

export interface CartServiceHarness {
  db: TestDatabase;
  services: CartServices;
  redis: Redis;
  /** A context acting for `owner`, on the real clock. */
  as(owner: Owner): RequestContext;
  sql: { count: number };
  stop(): Promise<void>;
}

export async function startCartServices(): Promise<CartServiceHarness> {
  const db = await createTestDatabase();
  const logger = createLogger('cart-service-test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const keyPrefix = `t:${randomBytes(4).toString('hex')}:`;
  const env = { NODE_ENV: 'test', DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: keyPrefix, INTERNAL_SECRET: TEST_INTERNAL_SECRET, PRODUCT_PORT: '0', PRICING_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
  const [product, pricingService] = await Promise.all([startProductSubgraph(loadProductConfig(env), logger), startPricingSubgraph(loadPricingConfig(env), logger)]);
  const redis = createRedis({ url: TEST_REDIS_URL, keyPrefix, commandTimeoutMs: 1_000, logger });
  const database = createCartDb({ databaseUrl: db.url, DATABASE_POOL_SIZE: 8, DATABASE_ACQUIRE_TIMEOUT_MS: 5_000 });
  const { prisma, sql } = database;
  const products = productClient({ baseUrl: product.url, secret: TEST_INTERNAL_SECRET, caller: 'cart', timeoutMs: 5_000 });
  const pricing = pricingClient({ baseUrl: pricingService.url, secret: TEST_INTERNAL_SECRET, caller: 'cart', timeoutMs: 5_000 });
  const cache = createCartCache(redis, logger, 600);
  const services = createCartServices(
    { prisma, db: database.pg, background: prisma, redis, tags: createTagStore(redis, logger), cache, product: products, pricing, notifier: new LogNotifier(logger), logger },
    { lifetimes: { USER: 30, GUEST: 7 }, jwtSecret: JWT_SECRET, guestSessionDays: 30, shareDays: 7, keyPrefix, abandonedAfterHours: 24, storefrontUrl: 'http://storefront.test' },
  );
  const contextDeps = { prisma, clock: () => new Date(), logger };
  return {
    db,
    services,
    redis,
    sql,
    as: (owner) => serviceContext(contextDeps, 'test', owner),
    async stop() {
      await Promise.all([products.close(), pricing.close()]);
      await Promise.all([product.stop(), pricingService.stop()]);
      await closeRedis(redis);
      await database.close();
      await db.drop();
    },
  };
}
