/**
 * Starts the whole platform in this process for one test file: its own database (from the
 * template), its own Redis key prefix, the four subgraphs and the gateway on free ports.
 * Tests then speak GraphQL to the gateway over real HTTP, exactly as a client would.
 */
import { randomBytes } from 'node:crypto';
import { createLogger } from '@platform/logger';
import { loadProductConfig } from '@subgraph/product/config';
import { startProductSubgraph, type RunningProductSubgraph } from '@subgraph/product';
import { loadPricingConfig } from '@subgraph/pricing/config';
import { startPricingSubgraph, type RunningPricingSubgraph } from '@subgraph/pricing';
import { loadCartConfig } from '@subgraph/cart/config';
import { startCartSubgraph, type RunningCartSubgraph } from '@subgraph/cart';
import { loadOrderConfig } from '@subgraph/order/config';
import { startOrderSubgraph, type OrderSubgraphOptions, type RunningOrderSubgraph } from '@subgraph/order';
import { loadGatewayConfig } from '@platform/gateway/config';
import { startGateway, type RunningGateway } from '@platform/gateway';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { deleteStream } from './events.ts';
import { createClient, startTcpProxy, type TcpProxy, type TestClient } from '@platform/testing';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
/** The NATS server (with JetStream) tests publish to; each test file gets its own stream and subject prefix on it. */
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789-0123456789-abcdef';
export const TEST_INTERNAL_SECRET = 'test-internal-secret-0123456789-0123456789-abc';

export interface StackOptions {
  /** Extra environment for every service (e.g. TTLs). */
  env?: Record<string, string>;
  /** Clock for the cart subgraph (expiry and abandoned-cart tests). */
  now?: () => Date;
  /** Clock for the product subgraph (reservation expiry, flash-sale times and tokens). */
  productNow?: () => Date;
  /** Clock for the order subgraph (checkout leases and recovery). */
  orderNow?: () => Date;
  /** Replaces the order subgraph's payment provider (a slow or failing one, say). */
  payments?: OrderSubgraphOptions['payments'];
  /** Route every service's Redis through a proxy the test can take down (`stack.redisProxy`). */
  redisProxy?: boolean;
  /** Put the product subgraph behind a proxy the test can freeze (`stack.productProxy`): the gateway, cart and order all reach it through the proxy. */
  productProxy?: boolean;
  /** Receives every service's log lines (JSON) instead of stdout; set `LOG_LEVEL` in `env` to see them. */
  logs?: (line: string) => void;
  /** The URL the services use for the test database (a pooler in front of it, say); default: the database itself. */
  databaseUrl?: (database: string) => string;
  /** Extra environment that needs the test database's name (a replica's URL of it, say). */
  envFor?: (database: string) => Record<string, string>;
}

export interface TestStack extends TestClient {
  db: TestDatabase;
  /** Env every service was configured with (database, Redis prefix, secrets). */
  env: Record<string, string>;
  redisPrefix: string;
  /** This stack's event stream: its name and subject prefix on the NATS server at `natsUrl`. */
  events: { natsUrl: string; stream: string; prefix: string };
  /** Present with `redisProxy: true`: `down()` makes Redis unreachable for this stack only. */
  redisProxy?: TcpProxy;
  /** Present with `productProxy: true`: `freeze()` makes the product subgraph stop answering (as SIGSTOP would), `thaw()` resumes it. */
  productProxy?: TcpProxy;
  gateway: RunningGateway;
  subgraphs: { product: RunningProductSubgraph; pricing: RunningPricingSubgraph; cart: RunningCartSubgraph; order: RunningOrderSubgraph };
  stop(): Promise<void>;
}

const url = (port: number) => `http://127.0.0.1:${port}/graphql`;

/** Starts an isolated platform; call `stop()` in `afterAll`. */
export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  const db = await createTestDatabase();
  const target = new URL(TEST_REDIS_URL);
  const redisProxy = options.redisProxy ? await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) }) : undefined;
  const tag = randomBytes(4).toString('hex');
  const redisPrefix = `t:${tag}:`;
  const events = { natsUrl: options.env?.NATS_URL ?? TEST_NATS_URL, stream: `T_${tag}`, prefix: `t.${tag}.ev` };
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: options.databaseUrl ? options.databaseUrl(db.name) : db.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: redisProxy ? redisProxy.url('redis', target.pathname) : TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    INTERNAL_SECRET: TEST_INTERNAL_SECRET,
    HOST: '127.0.0.1',
    GATEWAY_PORT: '0',
    CART_PORT: '0',
    PRODUCT_PORT: '0',
    PRICING_PORT: '0',
    ORDER_PORT: '0',
    // Tests and benchmarks send far more than a shopper would; the rate-limit test sets its own.
    RATE_LIMIT_POINTS: '1000000',
    // Every service shares the test's one event loop, so its lag says nothing about the gateway's
    // load: shedding on lag is off unless a test turns it on.
    SHED_EVENT_LOOP_DELAY_MS: '0',
    // Test files share two busy cores: a view's subgraph fetch keeps the full budget unless a test
    // is about the short one (e2e/ops/degradation.test.ts sets its own).
    SUBGRAPH_QUERY_TIMEOUT_MS: '5000',
    NATS_URL: events.natsUrl,
    EVENTS_STREAM: events.stream,
    EVENTS_SUBJECT_PREFIX: events.prefix,
    EVENTS_MAX_AGE_HOURS: '2',
    EVENTS_DUPLICATE_WINDOW_SECONDS: '3600',
    // The relay's poll is one cheap statement when idle; new events wake the webhook dispatcher at once.
    EVENTS_RELAY_INTERVAL_MS: '150',
    // One background connection per subgraph: test stacks share one Postgres (max_connections) with each other.
    EVENTS_DATABASE_POOL_SIZE: '1',
    ...options.env,
    ...options.envFor?.(db.name),
  };
  const sink = options.logs;
  const logger = (name: string) => createLogger(name, { level: env.LOG_LEVEL, ...(sink ? { destination: { write: (line: string) => sink(line) } } : {}) });
  const started: { stop(): Promise<void> }[] = [];
  let productProxy: TcpProxy | undefined;
  const track = <T extends { stop(): Promise<void> }>(s: T) => (started.push(s), s);
  try {
    const [product, pricing] = await Promise.all([
      startProductSubgraph(loadProductConfig(env), logger('product'), options.productNow ? { now: options.productNow } : {}).then(track),
      startPricingSubgraph(loadPricingConfig(env), logger('pricing')).then(track),
    ]);
    productProxy = options.productProxy ? await startTcpProxy({ host: '127.0.0.1', port: product.port }) : undefined;
    Object.assign(env, { PRODUCT_URL: url(productProxy?.port ?? product.port), PRICING_URL: url(pricing.port) });
    // Order calls the cart during checkout, so it starts once the cart's URL is known.
    const cart = track(await startCartSubgraph(loadCartConfig(env), logger('cart'), options.now ? { now: options.now } : {}));
    Object.assign(env, { CART_URL: url(cart.port) });
    const order = track(await startOrderSubgraph(loadOrderConfig(env), logger('order'), { ...(options.orderNow ? { now: options.orderNow } : {}), ...(options.payments ? { payments: options.payments } : {}) }));
    Object.assign(env, { ORDER_URL: url(order.port) });
    const gateway = track(await startGateway(loadGatewayConfig(env), logger('gateway')));
    // Connecting to the stream and subscribing the consumers is start-up work: done before the tests run, not during their first requests.
    await Promise.all([product, pricing, cart, order].map((s) => s.events.ready()));
    const stop = async () => {
      for (const service of started.reverse()) await service.stop().catch(() => undefined);
      await redisProxy?.close();
      await productProxy?.close();
      await deleteStream(events).catch(() => undefined);
      await db.drop();
    };
    return { ...createClient(gateway.url, TEST_JWT_SECRET), db, env, redisPrefix, events, ...(redisProxy ? { redisProxy } : {}), ...(productProxy ? { productProxy } : {}), gateway, subgraphs: { product, pricing, cart, order }, stop };
  } catch (error) {
    for (const service of started.reverse()) await service.stop().catch(() => undefined);
    await redisProxy?.close();
    await productProxy?.close();
    await deleteStream(events).catch(() => undefined);
    await db.drop();
    throw error;
  }
}
