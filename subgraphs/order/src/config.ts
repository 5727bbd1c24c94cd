/** The order subgraph's configuration, validated once at start-up. */
import { loadSubgraphConfig, subgraphUrlShape, type Env } from '@platform/config';

export function loadOrderConfig(env: Env = process.env) {
  const { CART_URL, PRODUCT_URL, PRICING_URL } = subgraphUrlShape;
  return loadSubgraphConfig('order', { CART_URL, PRODUCT_URL, PRICING_URL }, env);
}
export type OrderConfig = ReturnType<typeof loadOrderConfig>;
