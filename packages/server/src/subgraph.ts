/**
 * Starts one subgraph: `buildSubgraphSchema` + Apollo Server behind the shared HTTP front, with
 * identity taken only from gateway-signed headers, internal operations under `/internal/<op>`
 * for other services, `/health`, `/ready`, `/metrics`, error masking and graceful drain.
 */
import type { IncomingMessage } from 'node:http';
import type { DocumentNode } from 'graphql';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { verifySignedIdentity, SignatureError, type Identity, type VerifiedIdentity } from '@platform/auth';
import { maskError } from '@platform/errors';
import type { Logger } from '@platform/logger';
import { closeRedis, createRedis, createTagStore, pingRedis, type Redis, type TagStore } from '@platform/redis';
import { bodyHashOf, createHttpServer, listen, HttpError, type Route } from './http.ts';
import { createNonceGuard, type NonceGuard } from './nonce-guard.ts';
import { countRedisErrors, createMetrics, type Metrics } from './metrics.ts';
import { readinessRoute, type ReadinessChecks } from './readiness.ts';
import { pingDatabase } from './prisma.ts';
import { observePool } from './pool-metrics.ts';
import { isOverloadError, overloadFormattedError } from './overload-errors.ts';
import type pg from 'pg';
import type { SqlExecutor } from './sql.ts';
import type { InternalOperation } from './contract.ts';
import { CACHE_TAGS_HEADER, cacheTagsFor, cacheTagsPlugin, type CacheTags } from './cache-tags.ts';
import type { ScheduledJob } from './jobs.ts';

export interface SubgraphOptions<TContext extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  /** Resolver map; codegen's typed `Resolvers` are structurally wider than Apollo's map type, so it is taken as-is. */
  resolvers: GraphQLResolverMap<TContext> | object;
  /** Builds the context of one request from the verified identity (and the tag collector, when the gateway asked for cache tags). */
  context: (identity: Identity, req: IncomingMessage, tags: CacheTags | null) => Promise<TContext> | TContext;
  /** Where cache tags are read; without it no request collects them. */
  tags?: TagStore;
  /** Refuses replayed internal writes; without it only the signature window protects them. */
  nonces?: NonceGuard;
  internal?: Record<string, InternalOperation>;
  readiness: ReadinessChecks;
  internalSecret: string;
  logger: Logger;
  port: number;
  host?: string;
  metrics?: Metrics;
}

export interface RunningService {
  name: string;
  port: number;
  url: string;
  metrics: Metrics;
  /** Stops accepting requests, lets in-flight ones finish, then resolves. */
  stop(): Promise<void>;
}

const headerGetter = (req: IncomingMessage) => ({ get: (name: string) => req.headers[name] });

/** Verifies the platform's signature on a request (its method, path and body); a missing, forged or stale one is a 401. */
export function verifiedIdentityOf(req: IncomingMessage, secret: string): VerifiedIdentity {
  try {
    return verifySignedIdentity(headerGetter(req), secret, { method: req.method ?? 'GET', path: req.url ?? '/', bodyHash: bodyHashOf(req) });
  } catch (error) {
    if (error instanceof SignatureError) throw new HttpError(401, 'This service accepts only requests signed by the platform gateway.', 'UNAUTHENTICATED');
    throw error;
  }
}

/** Builds and starts a subgraph; resolves once it listens. */
export async function startSubgraph<TContext extends BaseContext>(options: SubgraphOptions<TContext>): Promise<RunningService> {
  const { logger, internalSecret } = options;
  const metrics = options.metrics ?? createMetrics(options.name);
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: options.resolvers as GraphQLResolverMap<unknown> }),
    formatError: (formatted, error) => (isOverloadError(error) ? overloadFormattedError(formatted) : maskError(formatted, (e) => logger.error({ error: e }, 'internal error in resolver'))),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    logger,
    // The gateway sends the fetches of one query plan step as one batch (one context, one set of loaders).
    allowBatchedHttpRequests: true,
    // Only the gateway talks to a subgraph, always with the full query: no APQ, no pretty JSON.
    persistedQueries: false,
    stringifyResult: (value) => JSON.stringify(value),
    // Inline traces would expose resolver timings to anyone who can reach the subgraph; cache
    // hints are not used (the gateway's response cache works with cache tags) and would cost a
    // hook on every resolved field.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), ApolloServerPluginUsageReportingDisabled(), cacheTagsPlugin()],
  });

  const internalRoute: Route = async (req, body) => {
    const { identity: caller, nonce } = verifiedIdentityOf(req, internalSecret);
    if (caller.kind !== 'service') throw new HttpError(403, 'internal operations are for platform services only', 'FORBIDDEN');
    const op = new URL(req.url ?? '/', 'http://x').pathname.slice('/internal/'.length);
    const handler = options.internal?.[op];
    if (!handler || req.method !== 'POST') throw new HttpError(404, `no internal operation ${op}`);
    if (handler.write && !(await options.nonces?.claim(nonce) ?? true)) throw new HttpError(401, 'This signed request was already used; sign each request anew.', 'UNAUTHENTICATED');
    return { body: (await handler(body, caller)) ?? null };
  };

  const server = createHttpServer<TContext>({
    apollo,
    logger,
    context: async (req) => options.context(verifiedIdentityOf(req, internalSecret).identity, req, options.tags ? cacheTagsFor(req.headers[CACHE_TAGS_HEADER], options.tags) : null),
    observe: metrics.observeHttp,
    routes: {
      '/health': () => ({ body: { status: 'ok', service: options.name } }),
      '/ready': readinessRoute(options.name, options.readiness),
      '/metrics': async () => ({ body: await metrics.registry.metrics(), contentType: metrics.registry.contentType }),
      '/internal/*': internalRoute,
    },
  });
  apollo.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer: server }));
  await apollo.start();
  const port = await listen(server, options.port, options.host);
  logger.info({ port }, `${options.name} subgraph listening`);
  return {
    name: options.name,
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    metrics,
    stop: () => apollo.stop(),
  };
}

/** The settings every subgraph's configuration carries (see `loadSubgraphConfig`). */
export interface SubgraphSettings {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: string | undefined;
  REDIS_KEY_PREFIX: string;
  REDIS_COMMAND_TIMEOUT_MS: number;
  INTERNAL_SECRET: string;
  PORT: number;
  HOST: string;
}

/** What every subgraph process starts with: its name, configuration and logger, its metrics (with an SQL counter) and a Redis connection. */
export function subgraphBasics<C extends SubgraphSettings>(name: string, config: C, logger: Logger) {
  const metrics = createMetrics(name);
  const sqlQueries = metrics.counter('sql_queries_total', 'SQL statements run');
  const redis = createRedis({ url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES, keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, logger });
  countRedisErrors(metrics, redis);
  return { name, config, logger, metrics, redis, tags: createTagStore(redis, logger), onSql: () => sqlQueries.inc() };
}

export interface LaunchOptions<TContext extends BaseContext> extends Pick<SubgraphOptions<TContext>, 'name' | 'typeDefs' | 'resolvers' | 'context' | 'internal' | 'logger' | 'tags'> {
  config: SubgraphSettings;
  /** The subgraph's database: pinged for readiness, closed last. */
  db: { pg: SqlExecutor; close(): Promise<void>; pool?: pg.Pool };
  redis: Redis;
  metrics: Metrics;
  /** Background jobs of the subgraph: stopped, and waited for, once the server has drained. */
  jobs?: readonly ScheduledJob[];
  /** Runs after the jobs have stopped and before Redis and Postgres close (close clients). */
  beforeClose?: () => Promise<void> | void;
  /** More optional readiness checks (the event stream): reported, never failing `/ready`. */
  optionalChecks?: Record<string, () => Promise<boolean>>;
}

/**
 * Starts a subgraph with the platform's defaults: Postgres required and Redis optional for
 * readiness, the gateway-signed identity, and a `stop()` that drains requests, then closes the
 * subgraph's own resources, Redis and Postgres, in that order.
 */
export async function launchSubgraph<TContext extends BaseContext>(options: LaunchOptions<TContext>): Promise<RunningService> {
  const { config, db, redis } = options;
  if (db.pool) observePool(options.metrics, db.pool);
  // Connect and load the query engine now rather than in the first request (or the first event a consumer handles).
  await pingDatabase(db.pg);
  const service = await startSubgraph<TContext>({
    name: options.name,
    typeDefs: options.typeDefs,
    resolvers: options.resolvers,
    context: options.context,
    ...(options.internal ? { internal: options.internal } : {}),
    ...(options.tags ? { tags: options.tags } : {}),
    nonces: createNonceGuard(redis, options.logger),
    readiness: { required: { postgres: () => pingDatabase(db.pg) }, optional: { redis: () => pingRedis(redis), ...options.optionalChecks } },
    internalSecret: config.INTERNAL_SECRET,
    logger: options.logger,
    port: config.PORT,
    host: config.HOST,
    metrics: options.metrics,
  });
  return {
    ...service,
    async stop() {
      await service.stop();
      const jobs = options.jobs ?? [];
      for (const job of jobs) job.stop();
      await Promise.all(jobs.map((job) => job.idle()));
      await options.beforeClose?.();
      await closeRedis(redis);
      await db.close();
    },
  };
}
