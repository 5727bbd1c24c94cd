/** Builds and starts the cart subgraph; used by `index.ts` and by the test harness. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Logger } from '@platform/logger';
import { closeRedis, createRedis, pingRedis } from '@platform/redis';
import { createMetrics, pingDatabase, startSubgraph, type RunningService } from '@platform/server';
import { createCatalogClient } from './clients/catalog.ts';
import type { CartConfig } from './config.ts';
import { createContext } from './context.ts';
import { createCartDb } from './data/prisma.ts';
import { cartResolvers } from './schema/cart/resolvers.ts';
import { CartService } from './services/cart.ts';

const typeDefs = parse(readFileSync(new URL('./schema/cart/schema.graphql', import.meta.url), 'utf8'));

export interface RunningCartSubgraph extends RunningService {
  sql: { count: number };
}

export async function startCartSubgraph(config: CartConfig, logger: Logger, options: { now?: () => Date } = {}): Promise<RunningCartSubgraph> {
  const metrics = createMetrics('cart');
  const sqlMetric = metrics.counter('sql_queries_total', 'SQL statements run');
  const { prisma, sql } = createCartDb(config, () => sqlMetric.inc());
  const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, logger });
  const catalog = createCatalogClient({ productUrl: config.PRODUCT_URL, pricingUrl: config.PRICING_URL, secret: config.INTERNAL_SECRET, timeoutMs: config.INTERNAL_CALL_TIMEOUT_MS });
  const carts = new CartService({ prisma, catalog, ttlDays: { USER: config.CART_TTL_USER_DAYS, GUEST: config.CART_TTL_GUEST_DAYS }, ...(options.now ? { now: options.now } : {}) });
  const service = await startSubgraph({
    name: 'cart',
    typeDefs,
    resolvers: cartResolvers,
    context: (identity) =>
      createContext(identity, { prisma, carts, jwtSecret: config.AUTH_JWT_SECRET, guestSessionDays: config.GUEST_SESSION_DAYS, currencyCode: config.STORE_CURRENCY }),
    readiness: { required: { postgres: () => pingDatabase(prisma) }, optional: { redis: () => pingRedis(redis) } },
    internalSecret: config.INTERNAL_SECRET,
    logger,
    port: config.PORT,
    host: config.HOST,
    metrics,
  });
  return {
    ...service,
    sql,
    async stop() {
      await service.stop();
      await catalog.close();
      await closeRedis(redis);
      await prisma.$disconnect();
    },
  };
}
