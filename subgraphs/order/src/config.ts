/** The order subgraph's configuration, validated once at start-up. */
import { loadSubgraphConfig, subgraphUrlShape, vars, z, type Env } from '@platform/config';

export function loadOrderConfig(env: Env = process.env) {
  const { CART_URL, PRODUCT_URL, PRICING_URL } = subgraphUrlShape;
  return loadSubgraphConfig(
    'order',
    {
      CART_URL,
      PRODUCT_URL,
      PRICING_URL,
      /** Which payment provider charges checkouts; `test` is the deterministic provider (tok_ok, tok_declined, tok_unavailable). */
      PAYMENT_PROVIDER: z.enum(['test']).default('test'),
      /** Budget of one internal call to cart, product or pricing during checkout. */
      INTERNAL_CALL_TIMEOUT_MS: vars.positiveInt.default(5_000),
      /** How long a running checkout owns its saga without writing progress; after that a retry or the recovery sweep takes over. */
      CHECKOUT_LEASE_MS: vars.positiveInt.default(15_000),
      /** How long a duplicate checkout request (same key) waits for the first one to finish; below the gateway's subgraph timeout, so the client hears back. */
      CHECKOUT_WAIT_MS: vars.positiveInt.default(4_000),
      /** How often checkouts left behind by a crash are completed or compensated (0 = never). */
      CHECKOUT_RECOVERY_INTERVAL_MS: vars.nonNegativeInt.default(30_000),
      /** Most stuck checkouts one recovery run takes on. */
      CHECKOUT_RECOVERY_BATCH_SIZE: vars.positiveInt.default(50),
    },
    env,
  );
}
export type OrderConfig = ReturnType<typeof loadOrderConfig>;
