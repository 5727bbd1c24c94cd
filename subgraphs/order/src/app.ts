/** Builds and starts the order subgraph; used by `index.ts` and by the test harness. */
import { Gauge } from 'prom-client';
import type { Logger } from '@platform/logger';
import { createTokenBucket } from '@platform/redis';
import { launchSubgraph, schedule, subgraphBasics, type RunningService } from '@platform/server';
import { createPlatformClients } from './clients/index.ts';
import type { OrderConfig } from './config.ts';
import { createContext } from './context.ts';
import { createOrderDb } from './data/prisma.ts';
import { serviceContext } from './request-context.ts';
import { resolvers, typeDefs } from './schema/index.ts';
import type { RecoveryReport } from './services/checkout/recovery.ts';
import type { FaultPoints } from './services/checkout/saga.ts';
import type { CheckoutService } from './services/checkout/service.ts';
import { createOrderServices } from './services/index.ts';
import { createOrderPathBreaker, type BreakerState, type OrderPathBreaker } from './services/flash-checkout/breaker.ts';
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
  /** The circuit breaker of the flash-sale order path (its state is also on `/metrics`). */
  flashBreaker: OrderPathBreaker;
}

export interface OrderSubgraphOptions {
  /** The clock for leases and the recovery sweep; tests inject one. */
  now?: () => Date;
  /** Replaces the configured payment provider. */
  payments?: PaymentProvider;
}

export async function startOrderSubgraph(config: OrderConfig, logger: Logger, options: OrderSubgraphOptions = {}): Promise<RunningOrderSubgraph> {
  const clock = options.now ?? (() => new Date());
  const basics = subgraphBasics('order', config, logger);
  const { metrics, onSql, redis } = basics;
  const recovered = metrics.counter('checkouts_recovered_total', 'Stuck checkouts recovered by the sweep, by outcome', ['outcome']);
  const outcomes = metrics.counter('checkouts_total', 'Checkout requests by outcome (Order or the UserError type)', ['outcome']);
  const { prisma, sql } = createOrderDb(config, onSql);
  const clients = createPlatformClients({ cartUrl: config.CART_URL, productUrl: config.PRODUCT_URL, pricingUrl: config.PRICING_URL, secret: config.INTERNAL_SECRET, timeoutMs: config.INTERNAL_CALL_TIMEOUT_MS });
  const payments = options.payments ?? createPaymentProvider(config);
  const faults: FaultPoints = {};
  const flashOutcomes = metrics.counter('flash_checkouts_total', 'checkoutFlashSale requests by outcome (Order or the UserError type)', ['outcome']);
  const circuit = new Gauge({ name: 'flash_checkout_circuit_state', help: 'Circuit breaker of the flash-sale order path: 0 closed, 1 open (answering TryAgainLater), 2 half-open (probing)', registers: [metrics.registry] });
  const CIRCUIT: Record<BreakerState, number> = { closed: 0, open: 1, 'half-open': 2 };
  circuit.set(0);
  const breaker = createOrderPathBreaker(
    { failures: config.FLASH_CHECKOUT_BREAKER_FAILURES, openMs: config.FLASH_CHECKOUT_BREAKER_OPEN_MS, slowMs: config.FLASH_CHECKOUT_SLOW_MS },
    (state) => {
      circuit.set(CIRCUIT[state]);
      logger.warn({ state }, 'flash-sale order path circuit changed');
    },
  );
  const services = createOrderServices(
    { prisma, clients, ledger: new PaymentLedger(prisma, payments), faults },
    {
      leaseMs: config.CHECKOUT_LEASE_MS,
      waitMs: config.CHECKOUT_WAIT_MS,
      recoveryBatchSize: config.CHECKOUT_RECOVERY_BATCH_SIZE,
      observeCheckout: (outcome) => outcomes.inc({ outcome }),
      flash: {
        breaker,
        limits: {
          perUser: createTokenBucket(redis, { name: 'flash:buy:user', ratePerSecond: config.FLASH_SALE_BUY_USER_RATE, burst: config.FLASH_SALE_BUY_USER_BURST }),
          global: createTokenBucket(redis, { name: 'flash:buy:all', ratePerSecond: config.FLASH_SALE_BUY_GLOBAL_RATE, burst: config.FLASH_SALE_BUY_GLOBAL_BURST }),
        },
        observe: (outcome) => flashOutcomes.inc({ outcome }),
      },
    },
  );
  const contextDeps = { prisma, clock, logger };

  const recover = async (at?: Date) => {
    const ctx = serviceContext(contextDeps, 'checkout-recovery');
    const report = await services.recovery.recover(at ? { ...ctx, clock: () => at } : ctx);
    recovered.inc({ outcome: 'completed' }, report.completed);
    recovered.inc({ outcome: 'compensated' }, report.compensated);
    return report;
  };
  const jobs = [schedule('checkout-recovery', config.CHECKOUT_RECOVERY_INTERVAL_MS, () => recover(), logger)];

  const service = await launchSubgraph({
    ...basics,
    db: prisma,
    typeDefs,
    resolvers,
    context: (identity) => createContext(identity, { ...contextDeps, services }),
    jobs,
    beforeClose: () => clients.close(),
  });
  return { ...service, sql, checkouts: services.checkouts, payments, faults, recoverCheckouts: recover, flashBreaker: breaker };
}
