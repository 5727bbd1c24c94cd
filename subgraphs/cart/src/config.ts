/** The cart subgraph's configuration, validated once at start-up. */
import { ConfigError, loadSubgraphConfig, subgraphUrlShape, vars, z, type Env } from '@platform/config';

export function loadCartConfig(env: Env = process.env) {
  const { PRODUCT_URL, PRICING_URL } = subgraphUrlShape;
  const config = loadSubgraphConfig(
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
      /** `addCartLine` while product is not answering: `accept` against the last known stock (marked `stockUnverified`) or `refuse` (SERVICE_UNAVAILABLE). */
      CART_WHEN_PRODUCT_DOWN: z.enum(['accept', 'refuse']).default('accept'),
      /** A cart with active lines unchanged this long is abandoned (one `cart.abandoned` per idle period). */
      CART_ABANDONED_AFTER_HOURS: vars.positiveInt.default(72),
      /** How often the abandoned-cart scan runs (0 = never). */
      CART_ABANDONED_SCAN_INTERVAL_MS: vars.nonNegativeInt.default(300_000),
      /** How reminders reach users: `log` (one log line, no email) or `smtp`. */
      CART_NOTIFIER: z.enum(['log', 'smtp']).default('log'),
      /** The SMTP server of the `smtp` notifier, e.g. smtp://user:pass@mail.example.com:587 (smtps:// for TLS). */
      SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
      /** Sender of reminder emails. */
      REMINDER_FROM: z.string().min(3).default('Cart Platform <no-reply@cart-platform.local>'),
      /** Budget of connecting and talking to the SMTP server. */
      SMTP_TIMEOUT_MS: vars.positiveInt.default(10_000),
      /** The storefront's base URL; reminders link to `<STOREFRONT_URL>/cart`. */
      STOREFRONT_URL: vars.url.default('http://localhost:3000'),
    },
    env,
  );
  if (config.CART_NOTIFIER === 'smtp' && !config.SMTP_URL) throw new ConfigError(['SMTP_URL: required when CART_NOTIFIER=smtp (missing)']);
  return config;
}
export type CartConfig = ReturnType<typeof loadCartConfig>;
