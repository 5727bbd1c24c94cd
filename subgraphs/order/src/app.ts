/** Builds and starts the order subgraph; used by `index.ts` and by the test harness. */
import type { Logger } from '@platform/logger';
import { launchSubgraph, schedule, subgraphBasics, type RunningService } from '@platform/server';
import { createPlatformClients } from './clients/platform.ts';
import type { OrderConfig } from './config.ts';
import { createContext } from './context.ts';
import { createOrderDb } from './data/prisma.ts';
import { resolvers, typeDefs } from './schema/index.ts';
import { recoverCheckouts, type RecoveryReport } from './services/checkout/recovery.ts';
import type { FaultPoints, SagaDeps } from './services/checkout/saga.ts';
import { CheckoutService } from './services/checkout/service.ts';
import { createPaymentProvider, type PaymentProvider } from './services/payments/index.ts';
import { PaymentLedger } from './services/payments/ledger.ts';

export { SagaHalted, type FaultPoints, type SagaStep } from './services/checkout/saga.ts';
export type { RecoveryReport } from './services/checkout/recovery.ts';

export interface RunningOrderSubgraph extends RunningService {
  sql: { count: number };
  checkouts: CheckoutService;
  /** The payment provider in use (the test provider's ledger shows every movement of money). */
  payments: PaymentProvider;
  /** Fault injection for tests: set `afterStep` to stop sagas as a crash would. Empty in production. */
  faults: FaultPoints;
  /** Runs the checkout recovery sweep as of `now` (default: the subgraph's clock), as the timer does. */
  recoverCheckouts(now?: Date): Promise<RecoveryReport>;
}

export interface OrderSubgraphOptions {
  /** The clock for leases and the recovery sweep; tests inject one. */
  now?: () => Date;
  /** Replaces the configured payment provider. */
  payments?: PaymentProvider;
}

export async function startOrderSubgraph(config: OrderConfig, logger: Logger, options: OrderSubgraphOptions = {}): Promise<RunningOrderSubgraph> {
  const now = options.now ?? (() => new Date());
  const { metrics, redis, onSql } = subgraphBasics('order', config, logger);
  const recovered = metrics.counter('checkouts_recovered_total', 'Stuck checkouts recovered by the sweep, by outcome', ['outcome']);
  const { prisma, sql } = createOrderDb(config, onSql);
  const clients = createPlatformClients({ cartUrl: config.CART_URL, productUrl: config.PRODUCT_URL, pricingUrl: config.PRICING_URL, secret: config.INTERNAL_SECRET, timeoutMs: config.INTERNAL_CALL_TIMEOUT_MS });
  const payments = options.payments ?? createPaymentProvider(config);
  const ledger = new PaymentLedger(prisma, payments);
  const faults: FaultPoints = {};
  const sagaDeps: SagaDeps = { prisma, clients, ledger, logger, now, leaseMs: config.CHECKOUT_LEASE_MS, faults };
  const outcomes = metrics.counter('checkouts_total', 'Checkout requests by outcome (Order or the UserError type)', ['outcome']);
  const checkouts = new CheckoutService({ ...sagaDeps, waitMs: config.CHECKOUT_WAIT_MS, observe: (outcome) => outcomes.inc({ outcome }) });
  const cancel = { prisma, clients, ledger, now };

  const recover = async (at: Date = now()) => {
    const report = await recoverCheckouts(sagaDeps, at, config.CHECKOUT_RECOVERY_BATCH_SIZE);
    recovered.inc({ outcome: 'completed' }, report.completed);
    recovered.inc({ outcome: 'compensated' }, report.compensated);
    return report;
  };
  const jobs = [schedule('checkout-recovery', config.CHECKOUT_RECOVERY_INTERVAL_MS, () => recover(), logger)];

  const service = await launchSubgraph({
    name: 'order',
    typeDefs,
    resolvers,
    context: (identity) => createContext(identity, { prisma, checkouts, cancel }),
    config,
    db: prisma,
    redis,
    metrics,
    logger,
    beforeClose: async () => {
      for (const job of jobs) job.stop();
      await Promise.all(jobs.map((job) => job.idle()));
      await clients.close();
    },
  });
  return {
    ...service,
    sql,
    checkouts,
    payments,
    faults,
    recoverCheckouts: recover,
  };
}
