/** Builds and starts the pricing subgraph; used by `index.ts` and by the test harness. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Logger } from '@platform/logger';
import { closeRedis, createRedis, pingRedis } from '@platform/redis';
import { createMetrics, pingDatabase, startSubgraph, type RunningService } from '@platform/server';
import type { PricingConfig } from './config.ts';
import { createContext } from './context.ts';
import { createPricingDb } from './data/prisma.ts';
import { internalOperations } from './internal.ts';
import { priceResolvers } from './schema/prices/resolvers.ts';
import { DecimalScalar } from '@platform/server';

const typeDefs = parse(readFileSync(new URL('./schema/prices/schema.graphql', import.meta.url), 'utf8'));

export interface RunningPricingSubgraph extends RunningService {
  sql: { count: number };
}

export async function startPricingSubgraph(config: PricingConfig, logger: Logger): Promise<RunningPricingSubgraph> {
  const metrics = createMetrics('pricing');
  const sqlMetric = metrics.counter('sql_queries_total', 'SQL statements run');
  const { prisma, sql } = createPricingDb(config, () => sqlMetric.inc());
  const redis = createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, logger });
  const service = await startSubgraph({
    name: 'pricing',
    typeDefs,
    resolvers: { Decimal: DecimalScalar, ...priceResolvers },
    context: (identity) => createContext(identity, prisma, config.STORE_CURRENCY),
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
