/**
 * The storefront server's configuration, read and validated once (like every service's).
 *
 *   STOREFRONT_PORT            4100
 *   STOREFRONT_GATEWAY_URL     http://localhost:4000/graphql   where the browser sends GraphQL
 *   STOREFRONT_GATEWAY_WS_URL  the gateway URL with ws://      where the browser subscribes
 *   STOREFRONT_DEMO_LOGIN      on, except with NODE_ENV=production (then only when set to true)
 *   AUTH_JWT_SECRET, HOST, NODE_ENV, LOG_LEVEL as everywhere
 */
import { loadConfig, commonShape, ConfigError, DEV_DEFAULTS, vars, z, type Env } from '@platform/config';

export const storefrontShape = {
  NODE_ENV: commonShape.NODE_ENV,
  LOG_LEVEL: commonShape.LOG_LEVEL,
  LOG_PRETTY: commonShape.LOG_PRETTY,
  AUTH_JWT_SECRET: commonShape.AUTH_JWT_SECRET,
  HOST: z.string().default('0.0.0.0'),
  STOREFRONT_PORT: vars.port.default(4100),
  STOREFRONT_GATEWAY_URL: vars.url.default('http://localhost:4000/graphql'),
  STOREFRONT_GATEWAY_WS_URL: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').optional(),
  STOREFRONT_DEMO_LOGIN: vars.bool.optional(),
  /** Lifetime of a demo-login token. */
  STOREFRONT_DEMO_TOKEN_TTL_SECONDS: vars.positiveInt.default(8 * 3600),
};

export type StorefrontConfig = ReturnType<typeof loadStorefrontConfig>;

export function loadStorefrontConfig(env: Env = process.env) {
  const config = loadConfig(storefrontShape, env);
  // A demo login hands out tokens to anyone who asks: never in production unless asked for.
  const demoLogin = config.STOREFRONT_DEMO_LOGIN ?? config.NODE_ENV !== 'production';
  if (demoLogin && config.NODE_ENV === 'production' && config.AUTH_JWT_SECRET === DEV_DEFAULTS.AUTH_JWT_SECRET) {
    throw new ConfigError(['AUTH_JWT_SECRET: the development default is not allowed in production']);
  }
  return {
    ...config,
    demoLogin,
    gatewayUrl: config.STOREFRONT_GATEWAY_URL,
    gatewayWsUrl: config.STOREFRONT_GATEWAY_WS_URL ?? config.STOREFRONT_GATEWAY_URL.replace(/^http/, 'ws'),
  };
}
