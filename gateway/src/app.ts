/**
 * The gateway process: Apollo Gateway over the static supergraph in `schema/`, served by
 * Apollo Server behind the gateway's own `/graphql` endpoint (identity, persisted operations,
 * rate limits and the response cache: `endpoint.ts`), with signed, batched forwarding to the
 * subgraphs (`datasource.ts`), query limits, error masking, `/health`, `/ready` and `/metrics`;
 * and `cartUpdated` subscriptions over graphql-ws on the same port and path (`subscriptions/`).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { maskError } from '@platform/errors';
import type { Logger } from '@platform/logger';
import { closeRedis, createRedis, pingRedis, type Redis } from '@platform/redis';
import { countRedisErrors, createBreakers, createHttpServer, createLoadShedder, createMetrics, listen, runReadiness, type RunningService } from '@platform/server';
import { Gauge } from 'prom-client';
import { createDocumentAnalyser } from './cache/cacheable.ts';
import { ResponseCache } from './cache/response-cache.ts';
import type { GatewayConfig } from './config.ts';
import { SubgraphDataSource, type GatewayContext } from './datasource.ts';
import { createGraphQLEndpoint } from './endpoint.ts';
import { createOperationMetrics } from './operation-metrics.ts';
import { perCallerCap, securityHeaders } from './hardening.ts';
import { rememberingIdentity } from './identity.ts';
import { createArmor } from './limits.ts';
import { loadManifest, PersistedOperations } from './persisted.ts';
import { createRateLimiter } from './rate-limit.ts';
import { startSubscriptions, type SubscriptionServer } from './subscriptions/index.ts';

export { createArmor };

export interface RunningGateway extends RunningService {
  redis: Redis;
  /** Live cart sync over graphql-ws on the same port and path. */
  subscriptions: SubscriptionServer;
  /** HTTP requests sent to each subgraph by this instance so far (a batch counts once). */
  subgraphRequests(): Record<string, number>;
  /** The response cache; absent when RESPONSE_CACHE_ENABLED is false. */
  responseCache: ResponseCache | undefined;
  /** Why a new request would be shed right now (event-loop lag, too many in flight), if it would. */
  shedding(): string | undefined;
}

/** Asks a subgraph for its readiness report; `undefined` when it does not answer. */
async function subgraphReadiness(url: string): Promise<{ status: string; checks: Record<string, string> } | undefined> {
  try {
    const response = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(1_000) });
    return (await response.json()) as { status: string; checks: Record<string, string> };
  } catch {
    return undefined;
  }
}

function corsHandler(origins: string[]) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const origin = req.headers.origin;
    if (origin && (origins.length === 0 || origins.includes(origin))) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
      res.setHeader('access-control-allow-headers', 'content-type, authorization, x-guest-token, apollo-require-preflight');
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('access-control-max-age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return true;
    }
    return false;
  };
}

/** Sets the security headers on every answer, then runs `next` (CORS). */
function withSecurityHeaders(set: (res: ServerResponse) => void, next: (req: IncomingMessage, res: ServerResponse) => boolean) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    set(res);
    return next(req, res);
  };
}

/** A response with errors is never stored, whatever its subgraphs said. */
const noStoreOnErrors: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, errors, response }) {
        // The codes clients see (after masking), for the operation's error metrics.
        if (contextValue.errorCodes && response.body.kind === 'single') for (const e of response.body.singleResult.errors ?? []) contextValue.errorCodes.push(String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
        if (!contextValue.tags) return;
        if (errors?.length || response.body.kind !== 'single' || response.body.singleResult.errors?.length) contextValue.tags.storable = false;
      },
    };
  },
};

/** Starts the gateway on `config.GATEWAY_PORT` (0 picks a free port). */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const metrics = createMetrics('gateway');
  const redis = createRedis({ url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES, keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, logger });
  countRedisErrors(metrics, redis);
  const rateLimiter = createRateLimiter(redis, { points: config.RATE_LIMIT_POINTS, windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS }, logger);
  const requests = metrics.counter('gateway_subgraph_requests_total', 'HTTP requests sent to subgraphs (a batch of fetches counts once), by subgraph', ['subgraph']);
  const sent: Record<string, number> = {};
  const dataSources: SubgraphDataSource[] = [];
  const operationMetrics = createOperationMetrics(metrics);
  const breakers = createBreakers(metrics, { failures: config.CIRCUIT_FAILURES, openMs: config.CIRCUIT_OPEN_MS });
  // Apollo's gateway reads this switch from the environment when it is constructed; nothing else does.
  if (config.APOLLO_TELEMETRY_DISABLED) process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH, 'utf8'),
    // URLs come from configuration, never from the committed supergraph.
    buildService: ({ name, url }) => {
      const source = new SubgraphDataSource({
        name,
        url: config.subgraphUrls[name] ?? url!,
        internalSecret: config.INTERNAL_SECRET,
        timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
        readTimeoutMs: config.SUBGRAPH_QUERY_TIMEOUT_MS,
        breaker: breakers.for(name),
        connections: config.SUBGRAPH_CONNECTIONS,
        onFetch: operationMetrics.fetch,
        onRequest: (subgraph) => {
          sent[subgraph] = (sent[subgraph] ?? 0) + 1;
          requests.inc({ subgraph });
        },
      });
      dataSources.push(source);
      operationMetrics.known(name);
      return source;
    },
    logger,
  });
  const armor = createArmor(config).protect();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: (formatted) => maskError(formatted, (e) => logger.warn({ error: e }, 'masked internal error')),
    includeStacktraceInErrorResponses: false,
    introspection: config.NODE_ENV !== 'production',
    csrfPrevention: true,
    // The endpoint resolves persisted operations itself (registered ones, and APQ shared through Redis).
    persistedQueries: false,
    stringifyResult: (value) => JSON.stringify(value),
    logger,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginUsageReportingDisabled(), noStoreOnErrors, ...armor.plugins],
    validationRules: armor.validationRules,
  });

  let apiSchema: GraphQLSchema | undefined;
  const stopWatchingSchema = gateway.onSchemaLoadOrUpdate(({ apiSchema: loaded }) => void (apiSchema = loaded));
  const responseCache = config.RESPONSE_CACHE_ENABLED
    ? new ResponseCache({ redis, metrics }, { maxEntries: config.RESPONSE_CACHE_MAX_ENTRIES, maxBytes: config.RESPONSE_CACHE_MAX_MB * 1024 * 1024, ttlSeconds: config.RESPONSE_CACHE_TTL_SECONDS, staleIfErrorSeconds: config.STALE_IF_ERROR_SECONDS })
    : undefined;
  const persisted = new PersistedOperations({ manifest: loadManifest(config.PERSISTED_OPERATIONS_PATH, logger), redis, logger, registeredOnly: config.PERSISTED_OPERATIONS_ONLY });
  const identityOf = rememberingIdentity(config.AUTH_JWT_SECRET);
  const shedder = createLoadShedder({ maxEventLoopDelayMs: config.SHED_EVENT_LOOP_DELAY_MS, maxInFlight: config.SHED_MAX_IN_FLIGHT, retryAfterSeconds: config.SHED_RETRY_AFTER_SECONDS });
  const shed = metrics.counter('gateway_shed_requests_total', 'Requests answered 503 at once because this instance could not serve them in time, by reason', ['reason']);
  new Gauge({ name: 'gateway_event_loop_delay_seconds', help: 'Worst event-loop delay over the last half second (what load shedding looks at)', registers: [metrics.registry], collect() { this.set(shedder.lagMs() / 1000); } });

  const server = createHttpServer<GatewayContext>({
    apollo,
    logger,
    before: withSecurityHeaders(securityHeaders(config.HSTS_MAX_AGE_SECONDS), corsHandler(config.corsOrigins)),
    timeouts: { headersMs: config.HTTP_HEADERS_TIMEOUT_MS, requestMs: config.HTTP_REQUEST_TIMEOUT_MS },
    shedder,
    onShed: (reason) => shed.inc({ reason }),
    graphql: createGraphQLEndpoint({ apollo, identityOf: (req) => identityOf(req.headers), rateLimiter, persisted, analyse: createDocumentAnalyser(() => apiSchema), cache: responseCache, logger, metrics: operationMetrics, maxBodyBytes: config.MAX_REQUEST_BODY_BYTES, callerCap: perCallerCap(config.MAX_CONCURRENT_PER_CALLER) }),
    context: async () => {
      throw new Error('the gateway serves /graphql through its own endpoint');
    },
    observe: metrics.observeHttp,
    routes: {
      '/health': () => ({ body: { status: 'ok', service: 'gateway' } }),
      '/ready': async () => {
        // One round of subgraph reports. A subgraph that does not answer is down itself; what it
        // would have said about its dependencies is unknown, not down.
        const reports = Object.fromEntries(await Promise.all(Object.entries(config.subgraphUrls).map(async ([name, url]) => [name, await subgraphReadiness(url)] as const)));
        const answered = Object.values(reports).filter((r) => r !== undefined);
        const dependency = (name: string) => (answered.length === 0 ? 'unknown' : answered.every((r) => r.checks[name] === 'up') ? 'up' : 'down');
        const report = await runReadiness({
          required: Object.fromEntries(Object.entries(reports).map(([name, r]) => [name, async () => r !== undefined && r.status !== 'unavailable'])),
          optional: { redis: () => pingRedis(redis) },
        });
        const postgres = dependency('postgres');
        const ready = report.ready && postgres === 'up';
        return { status: ready ? 200 : 503, body: { service: 'gateway', status: ready ? report.status : 'unavailable', checks: { ...report.checks, postgres } } };
      },
      '/metrics': async () => ({ body: await metrics.registry.metrics(), contentType: metrics.registry.contentType }),
    },
  });
  apollo.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer: server }));
  // Before start: it captures the API schema when the gateway loads the supergraph.
  const subscriptions = startSubscriptions({ server, apollo, gateway, limits: armor.validationRules, config, logger, metrics });
  let port: number;
  try {
    await apollo.start();
    port = await listen(server, config.GATEWAY_PORT, config.HOST);
  } catch (error) {
    await subscriptions.stop();
    throw error;
  }
  logger.info({ port, persistedOperations: persisted.size, responseCache: Boolean(responseCache) }, 'gateway listening');
  return {
    name: 'gateway',
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    metrics,
    redis,
    subscriptions,
    responseCache,
    subgraphRequests: () => ({ ...sent }),
    shedding: () => shedder.reason(),
    async stop() {
      // Devices first: their in-flight deliveries still need Apollo and the subgraphs.
      await subscriptions.stop();
      await apollo.stop();
      stopWatchingSchema();
      await Promise.all(dataSources.map((source) => source.close()));
      shedder.stop();
      await closeRedis(redis);
    },
  };
}
