/** Builds and starts the product subgraph; used by `index.ts` and by the test harness. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Logger } from '@platform/logger';
import { closeRedis, createRedis, pingRedis } from '@platform/redis';
import { createMetrics, pingDatabase, startSubgraph, type RunningService } from '@platform/server';
import type { ProductConfig } from './config.ts';
import { createContext } from './context.ts';
import { createProductDb } from './data/prisma.ts';
import { internalOperations } from './internal.ts';
import { catalogResolvers } from './schema/catalog/resolvers.ts';

const typeDefs = parse(readFileSync(new URL('./schema/catalog/schema.graphql', import.meta.url), 'utf8'));

export interface RunningProductSubgraph extends RunningService {
  sql: { count: number };
}

export async function startProductSubgraph(config: ProductConfig, logger: Logger): Promise<RunningProductSubgraph> {
  const metrics = createMetrics('product');
  const sqlMetric = metrics.counter('sql_queries_total', 'SQL statements run');
  const { prisma, sql } = createProductDb(config, () => sqlMetric.inc());
  const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, logger });
  const service = await startSubgraph({
    name: 'product',
    typeDefs,
    resolvers: catalogResolvers,
    context: (identity) => createContext(identity, prisma),
    internal: internalOperations(prisma),
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
