/** Builds and starts the order subgraph; used by `index.ts` and by the test harness. */
import { Gauge } from 'prom-client';
import type { Logger } from '@platform/logger';
import { createTokenBucket } from '@platform/redis';
import { connectReadReplica, createBreakers, launchSubgraph, LOCKS, runExclusive, schedule, subgraphBasics, type ReadRouter, type RunningService } from '@platform/server';
import type { PrismaClient } from './generated/prisma/client.ts';
import { subgraphEvents, warmUp, type RelayReport, type SubgraphEvents } from '@platform/server/stream';
import { pruneEvents } from './data/webhooks.ts';
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
import { WebhookDispatcher } from './services/webhooks/dispatcher.ts';
import { SecretBox } from './services/webhooks/secrets.ts';

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
  /** The event stream side (connection, relay, its fault points, the webhook consumer). */
  events: SubgraphEvents;
  /** Publishes what the outbox holds now, as the relay's timer does. */
  relayEvents(): Promise<RelayReport>;
  /** Sends every webhook delivery that is due now and waits for them (the timer and new events do it by themselves). */
  dispatchWebhooks(): Promise<void>;
  /** The circuit breaker of the flash-sale order path (its state is also on `/metrics`). */
  flashBreaker: OrderPathBreaker;
  /** Where order-history reads go (the replica of `ORDER_READ_DATABASE_URL`, or the primary). */
  reads: ReadRouter<PrismaClient>;
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
  const { metrics, tags, onSql, redis } = basics;
  const recovered = metrics.counter('checkouts_recovered_total', 'Stuck checkouts recovered by the sweep, by outcome', ['outcome']);
  const outcomes = metrics.counter('checkouts_total', 'Checkout requests by outcome (Order or the UserError type)', ['outcome']);
  const checkoutSeconds = metrics.histogram('checkout_duration_seconds', 'Checkout requests by result (order, failed), and how long they took', ['result'], [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10]);
  const paymentOutcomes = metrics.counter('payments_total', 'Charges by outcome (SUCCEEDED, DECLINED, UNAVAILABLE)', ['outcome']);
  const database = createOrderDb(config, onSql);
  const { prisma, sql } = database;
  // Background work (relay, webhook dispatch) gets its own small pool, apart from requests.
  const backgroundDb = createOrderDb({ ...config, DATABASE_POOL_SIZE: config.EVENTS_DATABASE_POOL_SIZE }, onSql);
  const background = backgroundDb.prisma;
  // Order history may read from a replica; a user's own writes are always visible to them.
  const replica = await connectReadReplica({
    config,
    primary: { client: prisma, sql: database.pg },
    connect: (url) => {
      const db = createOrderDb({ ...config, databaseUrl: url }, onSql);
      return { client: db.prisma, sql: db.pg, close: db.close };
    },
    redis,
    logger,
    metrics,
    metric: { name: 'order_history_reads_total', help: 'Order-history reads by where they ran (primary or replica) and whether the replica failed first' },
  });
  const { reads } = replica;
  await warmUp(background);
  const events = subgraphEvents({ name: 'order', config, logger, metrics, db: background, lockId: LOCKS.orderStreamRelay });
  const secrets = new SecretBox(config.INTERNAL_SECRET);
  // As documented: allowing private URLs (a staging or bench setting) allows plain http too.
  const policy = { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_URLS, requireHttps: config.NODE_ENV === 'production' && !config.WEBHOOK_ALLOW_PRIVATE_URLS };
  const dispatcher = new WebhookDispatcher(
    { prisma: background, clock, logger, metrics, secrets },
    {
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      retryHours: config.WEBHOOK_RETRY_HOURS,
      backoffBaseMs: config.WEBHOOK_BACKOFF_BASE_MS,
      backoffMaxMs: config.WEBHOOK_BACKOFF_MAX_MS,
      disableAfterFailures: config.WEBHOOK_DISABLE_AFTER_FAILURES,
      concurrency: config.WEBHOOK_CONCURRENCY,
      perClaim: 100,
      policy,
    },
  );
  const clients = createPlatformClients({ cartUrl: config.CART_URL, productUrl: config.PRODUCT_URL, pricingUrl: config.PRICING_URL, secret: config.INTERNAL_SECRET, timeoutMs: config.INTERNAL_CALL_TIMEOUT_MS, breakers: createBreakers(metrics, { failures: config.CIRCUIT_FAILURES, openMs: config.CIRCUIT_OPEN_MS }) });
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
    {
      prisma,
      pg: database.pg,
      clients,
      ledger: new PaymentLedger(prisma, payments, database.pg),
      reads,
      faults,
      observePayment: (status: string) => paymentOutcomes.inc({ outcome: status }),
      tags,
      webhooks: { secrets, policy, retryHours: config.WEBHOOK_RETRY_HOURS, secretGraceHours: config.WEBHOOK_SECRET_GRACE_HOURS, nudge: () => void dispatcher.tick() },
    },
    {
      leaseMs: config.CHECKOUT_LEASE_MS,
      waitMs: config.CHECKOUT_WAIT_MS,
      recoveryBatchSize: config.CHECKOUT_RECOVERY_BATCH_SIZE,
      observeCheckout: (outcome, seconds) => {
        outcomes.inc({ outcome });
        checkoutSeconds.observe({ result: outcome === 'Order' ? 'order' : 'failed' }, seconds);
      },
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
  events.consume({
    durable: 'webhooks',
    filter: '>',
    handle: async (event) => void (await services.webhooks.fanOut(serviceContext(contextDeps, 'webhooks'), event)),
    handleBatch: async (batch) => void (await services.webhooks.fanOutBatch(serviceContext(contextDeps, 'webhooks'), batch)),
  });
  const historyMs = config.WEBHOOK_HISTORY_DAYS * 86_400_000;
  const jobs = [
    schedule('checkout-recovery', config.CHECKOUT_RECOVERY_INTERVAL_MS, () => recover(), logger),
    ...replica.jobs,
    events.job,
    schedule('webhook-dispatch', config.WEBHOOK_DISPATCH_INTERVAL_MS, () => dispatcher.tick(), logger),
    schedule('webhook-history-prune', 3_600_000, () => runExclusive(background, LOCKS.webhookHousekeeping, (tx) => pruneEvents(tx, new Date(clock().getTime() - historyMs))), logger),
  ];

  const service = await launchSubgraph({
    ...basics,
    db: database,
    typeDefs,
    resolvers,
    context: (identity, _req, tags) => createContext(identity, { ...contextDeps, services }, tags),
    jobs,
    optionalChecks: events.readiness,
    beforeClose: async () => {
      await events.close();
      await dispatcher.stop();
      await Promise.all([clients.close(), backgroundDb.close(), replica.close()]);
    },
  });
  const dispatchWebhooks = async () => {
    await dispatcher.tick();
    await dispatcher.idle();
  };
  return { ...service, sql, checkouts: services.checkouts, payments, faults, recoverCheckouts: recover, events, relayEvents: () => events.relay.drain(), dispatchWebhooks, flashBreaker: breaker, reads };
}
