/** The pricing subgraph's configuration, validated once at start-up. */
import { loadSubgraphConfig, vars, type Env } from '@platform/config';

export function loadPricingConfig(env: Env = process.env) {
  return loadSubgraphConfig(
    'pricing',
    {
      /** How long a product's current price stays in the Redis cache (setPrice writes through). */
      PRICE_CACHE_TTL_SECONDS: vars.positiveInt.default(300),
      /** How long a coupon stays in the Redis cache for cart views (dropped on every change to it). */
      COUPON_CACHE_TTL_SECONDS: vars.positiveInt.default(60),
      /** How long the tax and shipping table stays in the Redis cache; a change to the table reaches cart views within it. */
      COUNTRY_CACHE_TTL_SECONDS: vars.positiveInt.default(300),
    },
    env,
  );
}
export type PricingConfig = ReturnType<typeof loadPricingConfig>;
