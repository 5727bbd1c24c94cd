/**
 * The storefront's own server over real HTTP: the demo login signs real customer tokens (never
 * admin), refuses bad input with the field named, and is off in production unless enabled; the
 * app and its runtime configuration are served.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyUserToken } from '@platform/auth';
import { ConfigError } from '@platform/config';
import { createLogger } from '@platform/logger';
import { startStorefront, type RunningStorefront } from '../server/app.ts';
import { loadStorefrontConfig } from '../server/config.ts';

const SECRET = 'storefront-test-secret-0123456789-0123456789';
const running: RunningStorefront[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function start(env: Record<string, string> = {}): Promise<RunningStorefront> {
  const config = loadStorefrontConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', STOREFRONT_PORT: '0', AUTH_JWT_SECRET: SECRET, STOREFRONT_GATEWAY_URL: 'http://localhost:4999/graphql', ...env });
  const storefront = await startStorefront(config, createLogger('storefront', { level: 'silent' }));
  running.push(storefront);
  return storefront;
}

const login = (storefront: RunningStorefront, body: unknown, contentType = 'application/json') =>
  fetch(new URL('/api/demo-login', storefront.url), { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('demo login', () => {
  it('signs a customer JWT for demo-<name> with AUTH_JWT_SECRET, which the platform verifies', async () => {
    const storefront = await start();
    const response = await login(storefront, { name: 'Alice', role: 'admin' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; userId: string; name: string; expiresAt: string };
    expect({ userId: body.userId, name: body.name }).toEqual({ userId: 'demo-alice', name: 'Alice' });
    // A role in the request is ignored: the demo never hands out admin.
    expect(await verifyUserToken(body.token, SECRET)).toMatchObject({ kind: 'user', userId: 'demo-alice', role: 'customer' });
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now() + 7 * 3600_000);
  });

  it('refuses a bad name with 400 naming the field, a form post with 415, and GET with 405', async () => {
    const storefront = await start();
    const bad = await login(storefront, { name: '../admin' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'name: 1 to 40 letters, digits, dots, dashes or underscores.', field: 'name' });
    expect((await login(storefront, 'name=alice', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await fetch(new URL('/api/demo-login', storefront.url))).status).toBe(405);
  });

  it('is off under NODE_ENV=production unless STOREFRONT_DEMO_LOGIN=true, and then refuses the development secret', async () => {
    const off = await start({ NODE_ENV: 'production' });
    const refused = await login(off, { name: 'alice' });
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: string }).error).toContain('STOREFRONT_DEMO_LOGIN');
    expect(await (await fetch(new URL('/config.json', off.url))).json()).toMatchObject({ demoLogin: false });

    const on = await start({ NODE_ENV: 'production', STOREFRONT_DEMO_LOGIN: 'true' });
    expect((await login(on, { name: 'alice' })).status).toBe(200);
    expect(() => loadStorefrontConfig({ NODE_ENV: 'production', STOREFRONT_DEMO_LOGIN: 'true' })).toThrow(ConfigError);
    expect(() => loadStorefrontConfig({ STOREFRONT_PORT: 'eighty' })).toThrow(/STOREFRONT_PORT/);
  });
});

describe('the app', () => {
  it('serves the built page for any app path, its runtime configuration, and no files outside dist', async () => {
    const storefront = await start({ STOREFRONT_GATEWAY_URL: 'https://api.example.com/graphql' });
    expect(await (await fetch(new URL('/config.json', storefront.url))).json()).toEqual({ gatewayUrl: 'https://api.example.com/graphql', gatewayWsUrl: 'wss://api.example.com/graphql', demoLogin: true });
    for (const path of ['/', '/cart', '/orders/123']) {
      const page = await fetch(new URL(path, storefront.url));
      expect([path, page.status, page.headers.get('content-type')]).toEqual([path, 200, 'text/html;charset=utf-8']);
      expect(await page.text()).toContain('<div id="root"></div>');
    }
    const escape = await fetch(`${storefront.url}%2e%2e/%2e%2e/package.json`);
    expect(await escape.text()).not.toContain('"name"');
    expect((await fetch(new URL('/api/nothing', storefront.url))).status).toBe(404);
  });
});
