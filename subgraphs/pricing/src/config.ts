/** The pricing subgraph's configuration, validated once at start-up. */
import { loadSubgraphConfig, vars, type Env } from '@platform/config';

export function loadPricingConfig(env: Env = process.env) {
  return loadSubgraphConfig(
    'pricing',
    {
      /** How long a product's current price stays in the Redis cache. */
      PRICE_CACHE_TTL_SECONDS: vars.positiveInt.default(300),
    },
    env,
  );
}
export type PricingConfig = ReturnType<typeof loadPricingConfig>;
