/** The cart subgraph's configuration, validated once at start-up. */
import { loadSubgraphConfig, subgraphUrlShape, vars, type Env } from '@platform/config';

export function loadCartConfig(env: Env = process.env) {
  const { PRODUCT_URL, PRICING_URL } = subgraphUrlShape;
  return loadSubgraphConfig(
    'cart',
    {
      PRODUCT_URL,
      PRICING_URL,
      /** Days an untouched signed-in user's cart lives. */
      CART_TTL_USER_DAYS: vars.positiveInt.default(30),
      /** Days an untouched guest cart lives. */
      CART_TTL_GUEST_DAYS: vars.positiveInt.default(7),
      /** Days a guest session (and its token) is valid. */
      GUEST_SESSION_DAYS: vars.positiveInt.default(30),
      /** Days a share link stays valid. */
      SHARE_LINK_DAYS: vars.positiveInt.default(7),
      /** How long a cart view stays in Redis (it is invalidated on every change anyway). */
      CART_CACHE_TTL_SECONDS: vars.positiveInt.default(3600),
      /** How often expired carts, guest sessions, share links and idempotency records are swept (0 = never). */
      CART_SWEEP_INTERVAL_MS: vars.nonNegativeInt.default(60_000),
      /** How often events a crash or Redis outage left unpublished are republished (0 = never). */
      OUTBOX_RELAY_INTERVAL_MS: vars.nonNegativeInt.default(5_000),
      /** Budget of one internal call to product or pricing. */
      INTERNAL_CALL_TIMEOUT_MS: vars.positiveInt.default(2_000),
    },
    env,
  );
}
export type CartConfig = ReturnType<typeof loadCartConfig>;
