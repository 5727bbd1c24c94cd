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
  SUPERGRAPH_PATH: z.string().default(fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url))),
  /** Comma-separated browser origins allowed by CORS and on WebSocket upgrade; empty = any. */
  CORS_ORIGINS: z.string().default(''),
  /** Deepest selection set a client may send. */
  MAX_QUERY_DEPTH: vars.positiveInt.default(12),
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
