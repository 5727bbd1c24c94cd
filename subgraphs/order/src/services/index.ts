/** The order subgraph's services, built once at start-up and shared by every request. */
import type { TagStore, TokenBucket } from '@platform/redis';
import type { ReadRouter, Sql } from '@platform/server';
import type { PlatformClients } from '../clients/index.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { CheckoutRecovery } from './checkout/recovery.ts';
import type { FaultPoints } from './checkout/saga.ts';
import { CheckoutService } from './checkout/service.ts';
import type { OrderPathBreaker } from './flash-checkout/breaker.ts';
import { FlashCheckoutService } from './flash-checkout/service.ts';
import type { PaymentLedger } from './payments/ledger.ts';
import { OrderService } from './order-service.ts';
import { WebhookService, type WebhookServiceDeps } from './webhooks/webhook-service.ts';

export interface OrderServiceSettings {
  leaseMs: number;
  waitMs: number;
  recoveryBatchSize: number;
  /** Told the outcome of every checkout request (`Order` or the error's type), for metrics. */
  observeCheckout?: (outcome: string, seconds: number) => void;
  flash: { breaker: OrderPathBreaker; limits: { perUser: TokenBucket; global: TokenBucket }; observe?: (outcome: string) => void };
}

export function createOrderServices(
  deps: { prisma: PrismaClient; pg: Sql; clients: PlatformClients; ledger: PaymentLedger; reads?: ReadRouter<PrismaClient>; faults: FaultPoints; tags: TagStore; webhooks: Omit<WebhookServiceDeps, 'prisma' | 'sql'>; observePayment?: (status: string) => void },
  settings: OrderServiceSettings,
) {
  const saga = { ...deps, leaseMs: settings.leaseMs };
  const checkouts = new CheckoutService({ ...saga, waitMs: settings.waitMs, ...(settings.observeCheckout ? { observe: settings.observeCheckout } : {}) });
  return {
    checkouts,
    flashCheckouts: new FlashCheckoutService({ checkouts, ...settings.flash }),
    recovery: new CheckoutRecovery({ ...saga, batchSize: settings.recoveryBatchSize }),
    orders: new OrderService(deps),
    webhooks: new WebhookService({ prisma: deps.prisma, sql: deps.pg, ...deps.webhooks }),
  };
}
export type OrderServices = ReturnType<typeof createOrderServices>;
