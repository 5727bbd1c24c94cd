/** Builds and starts the order subgraph; used by `index.ts` and by the test harness. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Logger } from '@platform/logger';
import { closeRedis, createRedis, pingRedis } from '@platform/redis';
import { createMetrics, pingDatabase, startSubgraph, type RunningService } from '@platform/server';
import type { OrderConfig } from './config.ts';
import { createOrderDb } from './data/prisma.ts';
import { orderResolvers } from './schema/orders/resolvers.ts';
import type { OrderContext } from './context.ts';

const typeDefs = parse(readFileSync(new URL('./schema/orders/schema.graphql', import.meta.url), 'utf8'));

export interface RunningOrderSubgraph extends RunningService {
  sql: { count: number };
}

export async function startOrderSubgraph(config: OrderConfig, logger: Logger): Promise<RunningOrderSubgraph> {
  const metrics = createMetrics('order');
  const sqlMetric = metrics.counter('sql_queries_total', 'SQL statements run');
  const { prisma, sql } = createOrderDb(config, () => sqlMetric.inc());
  const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, logger });
  const service = await startSubgraph<OrderContext>({
    name: 'order',
    typeDefs,
    resolvers: orderResolvers,
    context: (identity) => ({ identity, prisma }),
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
      await closeRedis(redis);
      await prisma.$disconnect();
    },
  };
}
