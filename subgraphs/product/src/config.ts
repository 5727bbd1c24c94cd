/** The product subgraph's configuration, validated once at start-up. */
import { loadSubgraphConfig, vars, type Env } from '@platform/config';

export function loadProductConfig(env: Env = process.env) {
  return loadSubgraphConfig(
    'product',
    {
      /** How long a product entity stays in the Redis cache. */
      PRODUCT_CACHE_TTL_SECONDS: vars.positiveInt.default(300),
      /** How stale cached availability may be (API.md: at most 60 s). */
      AVAILABILITY_CACHE_TTL_SECONDS: vars.positiveInt.default(60),
    },
    env,
  );
}
export type ProductConfig = ReturnType<typeof loadProductConfig>;
