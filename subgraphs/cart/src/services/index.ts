/** The cart subgraph's services, built once at start-up and shared by every request. */
import type { Logger } from '@platform/logger';
import type { Redis, TagStore } from '@platform/redis';
import type { ReadRouter, Sql, SqlExecutor } from '@platform/server';
import type { PricingClient } from '@subgraph/pricing/contract';
import type { ProductClient } from '@subgraph/product/contract';
import type { CartCache } from '../cache/cart-cache.ts';
import { createCartReads } from '../cache/cart-reads.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { CartLifetimes } from './cart-rules.ts';
import { CartService } from './cart-service.ts';
import { CartWriter } from './cart-writer.ts';
import { EventPublisher } from './event-publisher.ts';
import { ExpiryService } from './expiry-service.ts';
import { GuestSessionService } from './guest-session-service.ts';
import { HistoryService } from './history-service.ts';
import { MergeService } from './merge-service.ts';
import { ShareService } from './share-service.ts';
import { AnalyticsService } from './analytics/analytics-service.ts';
import { AbandonmentService } from './reminders/abandonment-service.ts';
import type { Notifier } from './reminders/notifier.ts';
import { ReminderService, type ReminderOutcome } from './reminders/reminder-service.ts';

export interface CartServiceSettings {
  lifetimes: CartLifetimes;
  jwtSecret: string;
  guestSessionDays: number;
  shareDays: number;
  keyPrefix: string;
  abandonedAfterHours: number;
  storefrontUrl: string;
  observeReminder?: (outcome: ReminderOutcome) => void;
}

export interface CartServiceDeps {
  prisma: PrismaClient;
  /** SQL on the same pool as `prisma`: the write path and the hot reads. */
  db: Sql;
  /** The client of background work (the abandoned-cart scan), apart from the request pool. */
  background: PrismaClient;
  redis: Redis;
  tags: TagStore;
  cache: CartCache;
  product: ProductClient;
  pricing: PricingClient;
  notifier: Notifier;
  logger: Logger;
  /** Where the analytics rollups are read (the replica of `CART_READ_DATABASE_URL`, or the primary). */
  analyticsReads?: ReadRouter<SqlExecutor> | undefined;
}

export function createCartServices(deps: CartServiceDeps, settings: CartServiceSettings) {
  const { prisma, db, cache, tags, product, pricing } = deps;
  const events = new EventPublisher({ prisma, db, redis: deps.redis, keyPrefix: settings.keyPrefix, logger: deps.logger });
  const reads = createCartReads(db, cache);
  const writer = new CartWriter({ db, cache, events, tags, lifetimes: settings.lifetimes });
  return {
    events,
    writer,
    carts: new CartService({ db, reads, writer, product, pricing }),
    merge: new MergeService({ db, writer, product, jwtSecret: settings.jwtSecret }),
    shares: new ShareService({ prisma, db, tags, lifetimes: settings.lifetimes, days: settings.shareDays }),
    guestSessions: new GuestSessionService({ prisma, jwtSecret: settings.jwtSecret, days: settings.guestSessionDays }),
    history: new HistoryService({ prisma, db }),
    analytics: new AnalyticsService({ db, reads: deps.analyticsReads }),
    expiry: new ExpiryService({ prisma, cache, tags }),
    abandonment: new AbandonmentService({ prisma: deps.background, idleHours: settings.abandonedAfterHours }),
    reminders: new ReminderService({ prisma, product, pricing, notifier: deps.notifier, storefrontUrl: settings.storefrontUrl, ...(settings.observeReminder ? { observe: settings.observeReminder } : {}) }),
  };
}
export type CartServices = ReturnType<typeof createCartServices>;
