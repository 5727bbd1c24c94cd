/** The product subgraph's services, built once at start-up and shared by every request. */
import type { Logger } from '@platform/logger';
import { createTokenBucket, type Redis, type TagStore } from '@platform/redis';
import type { Sql, WriteRecorder } from '@platform/server';
import type { CatalogCache } from '../cache/catalog-cache.ts';
import type { CatalogReads } from '../cache/catalog-reads.ts';
import { createFlashQueue } from '../cache/flash-queue.ts';
import type { SaleCache } from '../cache/flash-sales.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { CatalogService } from './catalog-service.ts';
import { FlashSaleAdmissions } from './flash-sales/admission-service.ts';
import { FlashSaleEvents } from './flash-sales/events.ts';
import { noFlashSaleMetrics, type FlashSaleMetrics } from './flash-sales/metrics.ts';
import { PoolEffects } from './flash-sales/pool.ts';
import { FlashQueueService } from './flash-sales/queue-service.ts';
import { FlashRedemptionService } from './flash-sales/redemption-service.ts';
import { FlashSaleService } from './flash-sales/sale-service.ts';
import { InventoryService, type InventoryDeps } from './inventory-service.ts';
import { ProductService } from './product-service.ts';
import { RecommendationService } from './recommendation-service.ts';

export interface FlashSaleSettings {
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
  sales: SaleCache;
  metrics?: FlashSaleMetrics;
  /** Signs purchase tokens. */
  secret: string;
  currencyCode: string;
  tokenTtlSeconds: number;
  joinLimits: { userRate: number; userBurst: number; globalRate: number; globalBurst: number };
}

export function createProductServices(deps: { prisma: PrismaClient; pg: Sql; cache: CatalogCache; tags: TagStore; reads: CatalogReads; writes?: WriteRecorder | undefined }, settings: Omit<InventoryDeps, 'prisma' | 'pg' | 'cache' | 'tags'>, flash: FlashSaleSettings) {
  const inventory = new InventoryService({ ...deps, ...settings });
  const { prisma } = deps;
  const metrics = flash.metrics ?? noFlashSaleMetrics;
  const queue = createFlashQueue(flash.redis, flash.logger);
  const events = new FlashSaleEvents({ redis: flash.redis, keyPrefix: flash.keyPrefix, logger: flash.logger });
  const effects = new PoolEffects({ queue, events, metrics, catalog: deps.cache, tags: deps.tags, sales: flash.sales, logger: flash.logger });
  const wait = settings.transactionWaitMs;
  const admissions = new FlashSaleAdmissions({ prisma, sales: flash.sales, queue, effects, metrics, logger: flash.logger, tokenTtlSeconds: flash.tokenTtlSeconds, transactionWaitMs: wait });
  const { joinLimits } = flash;
  return {
    catalog: new CatalogService({ reads: deps.reads }),
    recommendations: new RecommendationService(),
    products: new ProductService({ ...deps, inventory }),
    inventory,
    flashSales: new FlashSaleService({ prisma, catalog: deps.cache, tags: deps.tags, sales: flash.sales, admissions, currencyCode: flash.currencyCode, transactionWaitMs: wait }),
    flashQueue: new FlashQueueService({
      prisma,
      queue,
      sales: flash.sales,
      events,
      metrics,
      secret: flash.secret,
      joinLimits: {
        perUser: createTokenBucket(flash.redis, { name: 'flash:join:user', ratePerSecond: joinLimits.userRate, burst: joinLimits.userBurst }),
        global: createTokenBucket(flash.redis, { name: 'flash:join:all', ratePerSecond: joinLimits.globalRate, burst: joinLimits.globalBurst }),
      },
    }),
    flashAdmissions: admissions,
    flashRedemptions: new FlashRedemptionService({ prisma, effects, secret: flash.secret, holdSeconds: settings.reservationTtlSeconds, transactionWaitMs: wait }),
  };
}
export type ProductServices = ReturnType<typeof createProductServices>;
