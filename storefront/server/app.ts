/**
 * The storefront's own small server: the built single-page app (`dist/`), its runtime
 * configuration (`/config.json`: where the gateway is), and the demo login.
 *
 * The demo login (`POST /api/demo-login {"name": "alice"}`) signs a customer JWT with
 * AUTH_JWT_SECRET, as `npm run token` does, so the secret never reaches a browser. It exists to
 * show the platform and is off under NODE_ENV=production unless STOREFRONT_DEMO_LOGIN=true.
 * The app itself talks only to the gateway's public API.
 */
import http from 'node:http';
import sirv from 'sirv';
import { signUserToken } from '@platform/auth';
import type { Logger } from '@platform/logger';
import { listen, readBody, HttpError } from '@platform/server';
import { DIST_DIR } from './build.ts';
import type { StorefrontConfig } from './config.ts';

export interface RunningStorefront {
  port: number;
  /** e.g. `http://127.0.0.1:4100/` */
  url: string;
  stop(): Promise<void>;
}

/** What a demo user may be called; the user id is `demo-<name>`. */
const DEMO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

/** Starts the storefront server on `config.STOREFRONT_PORT` (0 picks a free port). */
export async function startStorefront(config: StorefrontConfig, logger: Logger): Promise<RunningStorefront> {
  // Hashed asset names never change meaning: cache them; index.html is revalidated every time.
  const assets = sirv(DIST_DIR, {
    single: true,
    etag: true,
    setHeaders: (res, pathname) => res.setHeader('cache-control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });

  async function demoLogin(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!config.demoLogin) return sendJson(res, 404, { error: 'The demo login is off (NODE_ENV=production; set STOREFRONT_DEMO_LOGIN=true to allow it).' });
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST a JSON body {"name": "..."}.' });
    // A JSON body cannot come from a plain cross-site form.
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return sendJson(res, 415, { error: 'Send application/json.' });
    const body = (await readBody(req)) as { name?: unknown } | undefined;
    const name = typeof body?.name === 'string' ? body.name.trim() : '';
    if (!DEMO_NAME.test(name)) return sendJson(res, 400, { error: 'name: 1 to 40 letters, digits, dots, dashes or underscores.', field: 'name' });
    const userId = `demo-${name.toLowerCase()}`;
    const expiresAt = new Date(Date.now() + config.STOREFRONT_DEMO_TOKEN_TTL_SECONDS * 1000);
    const token = await signUserToken(config.AUTH_JWT_SECRET, { userId, role: 'customer', expiresInSeconds: config.STOREFRONT_DEMO_TOKEN_TTL_SECONDS });
    logger.info({ userId }, 'demo login');
    sendJson(res, 200, { token, userId, name, expiresAt: expiresAt.toISOString() });
  }

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handle = async () => {
      if (path === '/health' || path === '/ready') return sendJson(res, 200, { status: 'ok', service: 'storefront' });
      if (path === '/config.json') return sendJson(res, 200, { gatewayUrl: config.gatewayUrl, gatewayWsUrl: config.gatewayWsUrl, demoLogin: config.demoLogin });
      if (path === '/api/demo-login') return demoLogin(req, res);
      if (path.startsWith('/api/')) return sendJson(res, 404, { error: 'not found' });
      assets(req, res, () => void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'));
    };
    handle().catch((error: unknown) => {
      if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message });
      logger.error({ error }, 'storefront request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
  const port = await listen(server, config.STOREFRONT_PORT, config.HOST);
  logger.info({ port, gateway: config.gatewayUrl, demoLogin: config.demoLogin }, 'storefront listening');
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
