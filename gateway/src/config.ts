/** The gateway's configuration, read and validated once from the environment. */
import { fileURLToPath } from 'node:url';
import { loadConfig, commonShape, subgraphUrlShape, assertProductionSecrets, vars, z, DEFAULT_PORTS, type Env } from '@platform/config';

export const gatewayShape = {
  ...commonShape,
  ...subgraphUrlShape,
  GATEWAY_PORT: vars.port.default(DEFAULT_PORTS.gateway),
  HOST: z.string().default('0.0.0.0'),
  /** Budget for one subgraph fetch; a slow subgraph fails its part of the plan, not the process. */
  SUBGRAPH_TIMEOUT_MS: vars.positiveInt.default(5_000),
  /** Budget for one subgraph fetch of a query: a cart view answers within it, from its last good response or naming what is missing. */
  SUBGRAPH_QUERY_TIMEOUT_MS: vars.positiveInt.default(2_000),
  /** How old a last good response may be to stand in for a view whose subgraph is down (marked `extensions.stale`); 0 = never. */
  STALE_IF_ERROR_SECONDS: vars.nonNegativeInt.default(600),
  /** Keep-alive connections from this gateway to each subgraph. */
  SUBGRAPH_CONNECTIONS: vars.positiveInt.default(64),
  /** Serve repeated queries from the per-identity response cache (invalidated by cache tags through Redis). */
  RESPONSE_CACHE_ENABLED: vars.bool.default(true),
  /** Most responses the cache holds on this instance. */
  RESPONSE_CACHE_MAX_ENTRIES: vars.positiveInt.default(50_000),
  /** Memory the cached responses may take on this instance, in MB. */
  RESPONSE_CACHE_MAX_MB: vars.positiveInt.default(256),
  /** Longest a cached response lives even if nothing it shows changes. */
  RESPONSE_CACHE_TTL_SECONDS: vars.positiveInt.max(43_200).default(300),
  /** Shed new requests (503 + Retry-After) while the event loop's recent p99 delay is above this; 0 = never. */
  SHED_EVENT_LOOP_DELAY_MS: vars.nonNegativeInt.default(250),
  /** Shed new requests while this many are in flight on this instance; 0 = no cap. */
  SHED_MAX_IN_FLIGHT: vars.nonNegativeInt.default(2_000),
  /** What `Retry-After` tells a shed client. */
  SHED_RETRY_AFTER_SECONDS: vars.positiveInt.default(1),
  /**
   * @apollo/gateway sends usage metrics to Apollo (usage-reporting.api.apollographql.com) every
   * hour unless this is true: a marketplace's gateway does not phone home, so it is on by default.
   */
  APOLLO_TELEMETRY_DISABLED: vars.bool.default(true),
  /** Only operations registered at build time (packages/client) may run; anything else is PERSISTED_QUERY_NOT_ALLOWED. */
  PERSISTED_OPERATIONS_ONLY: vars.bool.default(false),
  /** The registered operations (written by `npm run codegen`). */
  PERSISTED_OPERATIONS_PATH: z.string().default(fileURLToPath(new URL('../../packages/client/src/generated/persisted-documents.json', import.meta.url))),
  SUPERGRAPH_PATH: z.string().default(fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url))),
  /** Comma-separated browser origins allowed by CORS and on WebSocket upgrade; empty = any. */
  CORS_ORIGINS: z.string().default(''),
  /** Deepest selection set a client may send. */
  MAX_QUERY_DEPTH: vars.positiveInt.default(12),
  /** Requests one caller (user, guest, or client address when anonymous) may make per window. */
  RATE_LIMIT_POINTS: vars.positiveInt.default(1_200),
  /** Length of the rate-limit window in seconds. */
  RATE_LIMIT_WINDOW_SECONDS: vars.positiveInt.default(60),
  /** How long a new WebSocket may take to send `connection_init` before it is closed (4408). */
  WS_INIT_TIMEOUT_MS: vars.positiveInt.default(3_000),
  /** Live subscriptions one WebSocket connection may hold at a time. */
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: vars.positiveInt.default(10),
  /** Largest WebSocket message a client may send. */
  WS_MAX_PAYLOAD_BYTES: vars.positiveInt.default(64 * 1024),
  /** Interval of WebSocket pings; a socket that misses a pong for as long is dropped (0 = off). */
  WS_KEEPALIVE_MS: vars.nonNegativeInt.default(12_000),
  /**
   * How long a device's updates wait for a missing earlier version (cart events may reach Redis
   * out of order) before the gap is skipped; the client then catches up with `cartEvents`.
   */
  WS_ORDER_GAP_WAIT_MS: vars.nonNegativeInt.default(250),
  /** Updates buffered for one slow subscriber before its subscription ends with an error. */
  WS_MAX_BUFFERED_UPDATES: vars.positiveInt.default(200),
  /** On shutdown, how long in-flight deliveries may take before sockets close (1001). */
  WS_SHUTDOWN_GRACE_MS: vars.nonNegativeInt.default(5_000),
  /** `Strict-Transport-Security` max-age when the gateway is served over TLS (behind a TLS proxy); 0 = no HSTS header. */
  HSTS_MAX_AGE_SECONDS: vars.nonNegativeInt.default(0),
  /** Largest request body (`/graphql` POST); over it: 413 PAYLOAD_TOO_LARGE. */
  MAX_REQUEST_BODY_BYTES: vars.positiveInt.max(10_000_000).default(1_000_000),
  /** A client must have sent a request's headers within this (slow-loris guard). */
  HTTP_HEADERS_TIMEOUT_MS: vars.positiveInt.default(10_000),
  /** ... and the whole request, body included, within this. */
  HTTP_REQUEST_TIMEOUT_MS: vars.positiveInt.default(30_000),
  /** `/graphql` requests one caller (user, guest, or address when anonymous) may have in flight on this instance; beyond: 429 RATE_LIMITED (0 = no cap). */
  MAX_CONCURRENT_PER_CALLER: vars.nonNegativeInt.default(64),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export function loadGatewayConfig(env: Env = process.env) {
  const config = loadConfig(gatewayShape, env);
  assertProductionSecrets(config);
  return {
    ...config,
    corsOrigins: config.CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
    subgraphUrls: { cart: config.CART_URL, product: config.PRODUCT_URL, pricing: config.PRICING_URL, order: config.ORDER_URL } as Record<string, string>,
  };
}
