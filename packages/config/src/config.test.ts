import { describe, expect, it } from 'vitest';
import { ConfigError, databaseUrlFor, loadSubgraphConfig, vars } from './index.ts';

describe('configuration', () => {
  it('uses DATABASE_URL and lets <SUBGRAPH>_DATABASE_URL override it for one subgraph', () => {
    const env = { DATABASE_URL: 'postgresql://a/shared', CART_DATABASE_URL: 'postgresql://b/cart' };
    expect(databaseUrlFor('cart', env)).toBe('postgresql://b/cart');
    expect(databaseUrlFor('product', env)).toBe('postgresql://a/shared');
  });

  it('names every invalid variable in one error', () => {
    try {
      loadSubgraphConfig('cart', { CART_TTL_USER_DAYS: vars.positiveInt.default(30) }, { CART_PORT: 'eighty', REDIS_URL: 'http://x', CART_TTL_USER_DAYS: '-1' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toMatch(/CART_PORT/);
      expect(message).toMatch(/REDIS_URL/);
      expect(message).toMatch(/CART_TTL_USER_DAYS/);
    }
  });

  it('refuses the development secrets in production', () => {
    expect(() => loadSubgraphConfig('order', {}, { NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET/);
  });

  it('defaults run locally', () => {
    const config = loadSubgraphConfig('pricing', {}, {});
    expect(config).toMatchObject({ PORT: 4003, pgSchema: 'pricing', STORE_CURRENCY: 'SGD', DEFAULT_COUNTRY: 'SG' });
  });
});
