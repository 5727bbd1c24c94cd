/**
 * One configuration loader for every service. Each service declares the variables it reads as a
 * zod object; `loadConfig` validates `process.env` (or a given env) against it and stops start-up
 * with a message naming every missing or invalid variable. No other module reads `process.env`.
 */
import { z } from 'zod';

export { z };

export type Env = Record<string, string | undefined>;

/** Thrown when configuration is invalid; its message names each offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates `env` against `shape` (variable name -> zod type) and returns the typed values. */
export function loadConfig<S extends z.ZodRawShape>(shape: S, env: Env = process.env): z.infer<z.ZodObject<S>> {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    const raw = env[key];
    values[key] = raw === undefined || raw === '' ? undefined : raw;
  }
  const parsed = z.object(shape).safeParse(values);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '?');
        const shown = values[name] === undefined ? 'missing' : `got ${JSON.stringify(values[name])}`;
        return `${name}: ${issue.message} (${shown})`;
      }),
    );
  }
  return parsed.data;
}

/** Development defaults. They are safe only on a developer's machine; production sets its own. */
export const DEV_DEFAULTS = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/cart_platform',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  AUTH_JWT_SECRET: 'dev-only-jwt-secret-change-me-0123456789',
  INTERNAL_SECRET: 'dev-only-internal-secret-change-me-0123456789',
} as const;

export const SUBGRAPHS = ['cart', 'product', 'pricing', 'order'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export const DEFAULT_PORTS: Record<SubgraphName | 'gateway', number> = {
  gateway: 4000,
  cart: 4001,
  product: 4002,
  pricing: 4003,
  order: 4004,
};

/** The Postgres schema each subgraph owns. */
export const PG_SCHEMAS: Record<SubgraphName, string> = {
  cart: 'cart',
  product: 'catalog',
  pricing: 'pricing',
  order: 'orders',
};

const port = z.coerce.number().int().min(0).max(65535);
const secret = z.string().min(32, 'must be at least 32 characters');
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Reusable zod types for variables several services share. */
export const vars = {
  port,
  secret,
  bool,
  url: z.string().url(),
  postgresUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  redisUrl: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL'),
  positiveInt: z.coerce.number().int().positive(),
  nonNegativeInt: z.coerce.number().int().min(0),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
};

/** The database URL of one subgraph: `<SUBGRAPH>_DATABASE_URL`, else `DATABASE_URL`, else the dev default. */
export function databaseUrlFor(subgraph: SubgraphName, env: Env = process.env): string {
  const specific = env[`${subgraph.toUpperCase()}_DATABASE_URL`];
  const url = specific || env.DATABASE_URL || DEV_DEFAULTS.DATABASE_URL;
  const result = vars.postgresUrl.safeParse(url);
  if (!result.success) {
    const name = specific ? `${subgraph.toUpperCase()}_DATABASE_URL` : 'DATABASE_URL';
    throw new ConfigError([`${name}: must be a postgres:// URL`]);
  }
  return url;
}

/** The read replica of one subgraph: `<SUBGRAPH>_READ_DATABASE_URL`, else none. */
export function readDatabaseUrlFor(subgraph: SubgraphName, env: Env = process.env): string | undefined {
  const name = `${subgraph.toUpperCase()}_READ_DATABASE_URL`;
  const url = env[name];
  if (!url) return undefined;
  if (!vars.postgresUrl.safeParse(url).success) throw new ConfigError([`${name}: must be a postgres:// URL`]);
  return url;
}

/** Settings every service shares: Redis, secrets, logging. */
export const commonShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: vars.logLevel.default('info'),
  LOG_PRETTY: bool.optional(),
  REDIS_URL: vars.redisUrl.default(DEV_DEFAULTS.REDIS_URL),
  /** `host:port,...` of Redis Cluster nodes; set: a cluster client (ioredis `Cluster`) instead of `REDIS_URL`. */
  REDIS_CLUSTER_NODES: z.string().regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, 'must be host:port[,host:port...]').optional(),
  REDIS_KEY_PREFIX: z.string().default('cp:'),
  REDIS_COMMAND_TIMEOUT_MS: vars.positiveInt.default(250),
  AUTH_JWT_SECRET: secret.default(DEV_DEFAULTS.AUTH_JWT_SECRET),
  INTERNAL_SECRET: secret.default(DEV_DEFAULTS.INTERNAL_SECRET),
  STORE_CURRENCY: vars.currency.default('SGD'),
  DEFAULT_COUNTRY: vars.country.default('SG'),
  /** Unanswered calls in a row to one dependency (a subgraph, an internal operation's service) that open its circuit breaker. */
  CIRCUIT_FAILURES: vars.positiveInt.default(5),
  /** How long an open circuit fails calls at once before one probe is let through. */
  CIRCUIT_OPEN_MS: vars.positiveInt.default(5_000),
};

/**
 * The business-event stream (NATS JetStream): every subgraph's outbox relay publishes to it and
 * its consumers read from it. Without `NATS_URL` nothing is published: events stay in the
 * outboxes and go out once a stream is configured.
 */
export const eventStreamShape = {
  /** `nats://host:port` (comma-separated for a cluster); unset: no stream. */
  NATS_URL: z.string().regex(/^(nats|tls|wss?):\/\/[^,\s]+(,(nats|tls|wss?):\/\/[^,\s]+)*$/, 'must be a nats:// URL (comma-separated for a cluster)').optional(),
  EVENTS_STREAM: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only').default('CP_EVENTS'),
  EVENTS_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'dot-separated tokens without wildcards').default('cp.events'),
  EVENTS_MAX_AGE_HOURS: vars.positiveInt.default(168),
  EVENTS_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  EVENTS_DUPLICATE_WINDOW_SECONDS: vars.positiveInt.default(7_200),
  EVENTS_RELAY_INTERVAL_MS: vars.nonNegativeInt.default(250),
  EVENTS_RELAY_BATCH_SIZE: vars.positiveInt.default(500),
  EVENTS_PUBLISH_TIMEOUT_MS: vars.positiveInt.default(2_000),
  EVENTS_DATABASE_POOL_SIZE: vars.positiveInt.default(2),
  EVENTS_OUTBOX_RETENTION_HOURS: vars.positiveInt.default(168),
  /** How long the analytics and affinity consumers let a batch gather after its first event (0: handle at once); they are off every request path. */
  EVENTS_CONSUMER_LINGER_MS: vars.nonNegativeInt.max(10_000).default(200),
  /** Whether this instance runs the stream's consumers (analytics, affinity, webhooks, reminders). A fleet can leave them to worker instances and turn them off where requests are served; the relay runs either way. */
  EVENTS_CONSUMERS: vars.bool.default(true),
};

/** The URL of each subgraph, from `<SUBGRAPH>_URL` or localhost with the configured/default port. */
export const subgraphUrlShape = {
  CART_URL: vars.url.default(`http://127.0.0.1:${DEFAULT_PORTS.cart}/graphql`),
  PRODUCT_URL: vars.url.default(`http://127.0.0.1:${DEFAULT_PORTS.product}/graphql`),
  PRICING_URL: vars.url.default(`http://127.0.0.1:${DEFAULT_PORTS.pricing}/graphql`),
  ORDER_URL: vars.url.default(`http://127.0.0.1:${DEFAULT_PORTS.order}/graphql`),
};

/** Refuses the development secrets when NODE_ENV=production. */
export function assertProductionSecrets(config: { NODE_ENV: string; AUTH_JWT_SECRET: string; INTERNAL_SECRET: string }): void {
  if (config.NODE_ENV !== 'production') return;
  const problems: string[] = [];
  if (config.AUTH_JWT_SECRET === DEV_DEFAULTS.AUTH_JWT_SECRET) problems.push('AUTH_JWT_SECRET: the development default is not allowed in production');
  if (config.INTERNAL_SECRET === DEV_DEFAULTS.INTERNAL_SECRET) problems.push('INTERNAL_SECRET: the development default is not allowed in production');
  if (problems.length) throw new ConfigError(problems);
}

/**
 * Loads the configuration of one subgraph: the common settings, its port (`<NAME>_PORT`), its
 * database URL (`<NAME>_DATABASE_URL` or `DATABASE_URL`), pool size, and its own extra variables.
 */
export function loadSubgraphConfig<S extends z.ZodRawShape>(name: SubgraphName, extra: S, env: Env = process.env) {
  const problems: string[] = [];
  const collect = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const portVar = `${name.toUpperCase()}_PORT`;
  const base = collect(() =>
    loadConfig(
      {
        ...commonShape,
        HOST: z.string().default('0.0.0.0'),
        PORT: port.default(DEFAULT_PORTS[name]),
        DATABASE_POOL_SIZE: vars.positiveInt.default(10),
        DATABASE_ACQUIRE_TIMEOUT_MS: vars.positiveInt.default(5_000),
        // Read replicas (subgraphs with stale-tolerant reads; see README "Read replicas").
        READ_YOUR_WRITES_WINDOW_MS: vars.positiveInt.default(60_000),
        READ_REPLICA_MAX_LAG_MS: vars.positiveInt.default(2_000),
        READ_REPLICA_CHECK_INTERVAL_MS: vars.positiveInt.default(500),
        ...eventStreamShape,
      },
      { ...env, PORT: env[portVar] },
    ),
  );
  const own = collect(() => loadConfig(extra, env));
  const databaseUrl = collect(() => databaseUrlFor(name, env));
  const readDatabaseUrl = collect(() => readDatabaseUrlFor(name, env));
  if (problems.length || !base || !own || !databaseUrl) throw new ConfigError(problems.map((p) => p.replace(/^PORT:/, `${portVar}:`)));
  assertProductionSecrets(base);
  return { ...base, ...own, name, databaseUrl, readDatabaseUrl, pgSchema: PG_SCHEMAS[name] };
}
