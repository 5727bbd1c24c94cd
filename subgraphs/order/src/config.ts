/** The order subgraph's configuration, validated once at start-up. */
import { loadSubgraphConfig, subgraphUrlShape, vars, z, type Env } from '@platform/config';

export function loadOrderConfig(env: Env = process.env) {
  const { CART_URL, PRODUCT_URL, PRICING_URL } = subgraphUrlShape;
  const config = loadSubgraphConfig(
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
      /** Whether webhook URLs may be http and point at loopback, private or link-local addresses (unset: yes outside production, never in production). */
      WEBHOOK_ALLOW_PRIVATE_URLS: vars.bool.optional(),
      /** Budget of one webhook delivery attempt (connect, send, answer). */
      WEBHOOK_TIMEOUT_MS: vars.positiveInt.default(10_000),
      /** How long a delivery is retried before it is marked FAILED. */
      WEBHOOK_RETRY_HOURS: vars.positiveInt.default(24),
      /** First retry delay; it doubles per attempt (with jitter) up to the maximum. */
      WEBHOOK_BACKOFF_BASE_MS: vars.positiveInt.default(5_000),
      WEBHOOK_BACKOFF_MAX_MS: vars.positiveInt.default(3_600_000),
      /** Deliveries failed for good in a row after which an endpoint is DISABLED. */
      WEBHOOK_DISABLE_AFTER_FAILURES: vars.positiveInt.default(5),
      /** How often the dispatcher looks for due deliveries (new events also wake it at once; 0 = only then). */
      WEBHOOK_DISPATCH_INTERVAL_MS: vars.nonNegativeInt.default(1_000),
      /** Endpoints delivered to at the same time. */
      WEBHOOK_CONCURRENCY: vars.positiveInt.default(16),
      /** How long deliveries are signed with the old secret too after a rotation. */
      WEBHOOK_SECRET_GRACE_HOURS: vars.nonNegativeInt.default(24),
      /** How long delivered and failed deliveries (and their events) are kept. */
      WEBHOOK_HISTORY_DAYS: vars.positiveInt.default(7),
      /** A flash-sale checkout slower than this counts as a failure for the circuit breaker. */
      FLASH_CHECKOUT_SLOW_MS: vars.positiveInt.default(3_000),
      /** Failures in a row (errors, provider unavailable, too slow) that open the flash-sale checkout circuit. */
      FLASH_CHECKOUT_BREAKER_FAILURES: vars.positiveInt.default(5),
      /** How long the open circuit answers TryAgainLater before one probe may pass (half-open). */
      FLASH_CHECKOUT_BREAKER_OPEN_MS: vars.positiveInt.default(10_000),
      /** Token bucket of checkoutFlashSale per buyer: tokens per second (fractions allowed) and burst. */
      FLASH_SALE_BUY_USER_RATE: z.coerce.number().positive().default(1),
      FLASH_SALE_BUY_USER_BURST: vars.positiveInt.default(3),
      /** Token bucket of checkoutFlashSale for everyone together. */
      FLASH_SALE_BUY_GLOBAL_RATE: z.coerce.number().positive().default(2_000),
      FLASH_SALE_BUY_GLOBAL_BURST: vars.positiveInt.default(2_000),
    },
    env,
  );
  return { ...config, WEBHOOK_ALLOW_PRIVATE_URLS: config.WEBHOOK_ALLOW_PRIVATE_URLS ?? config.NODE_ENV !== 'production' };
}
export type OrderConfig = ReturnType<typeof loadOrderConfig>;
