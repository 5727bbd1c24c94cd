/** The product subgraph's configuration, validated once at start-up. */
import { loadSubgraphConfig, vars, z, type Env } from '@platform/config';

export function loadProductConfig(env: Env = process.env) {
  return loadSubgraphConfig(
    'product',
    {
      /** How long a product entity (and the category tree) stays in the Redis cache. */
      PRODUCT_CACHE_TTL_SECONDS: vars.positiveInt.default(300),
      /** How stale cached availability may be; API.md promises at most 60 s. */
      AVAILABILITY_CACHE_TTL_SECONDS: vars.positiveInt.max(60).default(60),
      /** How long a checkout's stock reservation holds when the caller names no TTL. */
      RESERVATION_TTL_SECONDS: vars.positiveInt.max(86_400).default(600),
      /** How often each replica tries to sweep expired reservations; 0 turns the timer off. */
      RESERVATION_SWEEP_INTERVAL_MS: vars.nonNegativeInt.default(30_000),
      /** Checkout keys expired per sweep transaction, so one sweep never holds locks for long. */
      RESERVATION_SWEEP_BATCH_SIZE: vars.positiveInt.max(10_000).default(200),
      /** How long an admitted flash-sale ticket's purchase token holds its units (never past the sale's end). */
      FLASH_SALE_TOKEN_TTL_SECONDS: vars.positiveInt.max(3_600).default(120),
      /** How often each replica runs flash-sale admissions, expiries and ends (0 = never; tests run them by hand). */
      FLASH_SALE_TICK_MS: vars.nonNegativeInt.default(1_000),
      /** The inventory checks behind `/metrics` (`inventory_invariant_violations`, `inventory_audit_mismatches`) run at most this often; scrapes in between see the last result. */
      INVENTORY_CHECK_INTERVAL_MS: vars.nonNegativeInt.default(60_000),
      /** Token bucket of joinFlashSale per user: tokens per second (fractions allowed, e.g. 0.2 = one every 5 s) and burst. */
      FLASH_SALE_JOIN_USER_RATE: z.coerce.number().positive().default(1),
      FLASH_SALE_JOIN_USER_BURST: vars.positiveInt.default(5),
      /** Token bucket of joinFlashSale for everyone together (what Postgres takes in ticket inserts). */
      FLASH_SALE_JOIN_GLOBAL_RATE: z.coerce.number().positive().default(20_000),
      FLASH_SALE_JOIN_GLOBAL_BURST: vars.positiveInt.default(20_000),
      /** Recommendations: the half-life of a co-occurrence's weight (older pairs count less). */
      AFFINITY_HALF_LIFE_DAYS: vars.positiveInt.max(3_650).default(30),
      /** Recommendations: a product added to a cart pairs with the cart's products added at most this long before it. */
      AFFINITY_SESSION_HOURS: vars.positiveInt.max(720).default(24),
    },
    env,
  );
}
export type ProductConfig = ReturnType<typeof loadProductConfig>;
