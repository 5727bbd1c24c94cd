/**
 * A small node:http front for Apollo Server: GraphQL at `/graphql` (POST, and GET for queries),
 * plus plain JSON routes (`/health`, `/ready`, `/metrics`, `/internal/*`). No web framework:
 * Apollo needs only `executeHTTPGraphQLRequest`, and the other routes are a handful of lines.
 */
import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Logger } from '@platform/logger';
import type { LoadShedder } from './load-shedding.ts';

export const MAX_BODY_BYTES = 1_000_000;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    /** Extra response headers (e.g. Retry-After) and GraphQL error extensions for clients. */
    readonly extra: { headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
  ) {
    super(message);
  }
}

export interface RouteResult {
  status?: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}
export type Route = (req: IncomingMessage, body: unknown) => Promise<RouteResult> | RouteResult;

/** The raw bodies `readBody` read, hashed only when something asks (the gateway never does). */
const rawBodies = new WeakMap<IncomingMessage, Buffer>();
const bodyHashes = new WeakMap<IncomingMessage, string>();
const EMPTY_BODY_HASH = createHash('sha256').digest('hex');

/** Hex SHA-256 of the body `readBody` read from `req` (of the empty body before that): what request signatures cover. */
export const bodyHashOf = (req: IncomingMessage): string => {
  const known = bodyHashes.get(req);
  if (known !== undefined) return known;
  const raw = rawBodies.get(req);
  if (raw === undefined) return EMPTY_BODY_HASH;
  const hash = createHash('sha256').update(raw).digest('hex');
  bodyHashes.set(req, hash);
  return hash;
};

/** The request body is over the limit: answered 413 on a connection that is then closed, since the rest of the body is never read. */
const tooLarge = (limit = MAX_BODY_BYTES) => new HttpError(413, `Request bodies may be at most ${limit} bytes.`, 'PAYLOAD_TOO_LARGE', { headers: { connection: 'close' } });

/**
 * The whole body of `req`, at most `limit` bytes. Plain stream events rather than an async
 * iterator: this runs on every request, and the iterator's promises and stream wrapper cost more
 * than reading a small body does. (The listeners are inline arrows on purpose: the services run
 * under tsx, which wraps every named function expression in a `__name` call per creation.)
 */
function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        settled = true;
        // Stop reading: the rest of the body is never wanted, and the connection is closed after the 413.
        req.pause();
        return reject(tooLarge(limit));
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
  });
}

/** Reads a request body up to `limit` bytes (`MAX_BODY_BYTES` by default) and parses it as JSON when it is JSON. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const raw = await readRaw(req, limit);
  rawBodies.set(req, raw);
  const text = raw.toString('utf8');
  if (!text) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'malformed JSON body');
  }
}

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}) {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

export interface HttpAppOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** Builds the per-request context; may throw `HttpError` (e.g. 401 for a bad signature). */
  context: (req: IncomingMessage) => Promise<TContext>;
  /** Exact-path routes such as `/health`; `/internal/` routes are matched by prefix. */
  routes?: Record<string, Route>;
  logger: Logger;
  /** Called once per request with method, route label, status and seconds taken. */
  observe?: (route: string, method: string, status: number, seconds: number) => void;
  /** Extra handling before routing (e.g. CORS); returns true when it answered the request. */
  before?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Serves `/graphql` itself instead of the default (body, context, Apollo); may throw `HttpError`. */
  graphql?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
  /** Sheds `/graphql` requests the process cannot serve in time (503 with Retry-After). */
  shedder?: LoadShedder;
  /** Counts shed requests, by reason. */
  onShed?: (reason: string) => void;
  /** Slow-client limits: headers within `headersMs`, the whole request within `requestMs` (Node's defaults otherwise). */
  timeouts?: { headersMs: number; requestMs: number };
}

/** Shared by every plain `/graphql` request: handlers read a request's URL and never change it. */
const GRAPHQL_URL = new URL('/graphql', 'http://localhost');

/** Creates (but does not start) the HTTP server. */
export function createHttpServer<TContext extends BaseContext>(options: HttpAppOptions<TContext>): http.Server {
  const { apollo, routes = {}, logger } = options;
  const timeouts = options.timeouts;
  // Node checks those limits on an interval; a tight limit needs a tight check.
  const serverOptions: http.ServerOptions = timeouts ? { headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(timeouts.headersMs / 2))) } : {};
  const server = http.createServer(serverOptions, async (req, res) => {
    const started = performance.now();
    // Most requests are a plain POST /graphql: that URL is parsed once, not per request (it is only read).
    const url = req.url === '/graphql' ? GRAPHQL_URL : new URL(req.url ?? '/', 'http://localhost');
    let label = url.pathname.startsWith('/internal/') ? '/internal' : url.pathname;
    res.on('finish', () => options.observe?.(label, req.method ?? 'GET', res.statusCode, (performance.now() - started) / 1000));
    try {
      if (options.before?.(req, res)) return;
      if (url.pathname === '/graphql') {
        label = '/graphql';
        const shed = options.shedder?.reason();
        if (shed) {
          options.onShed?.(shed);
          throw new HttpError(503, 'The service is overloaded right now; retry shortly.', 'SERVICE_UNAVAILABLE', {
            headers: { 'retry-after': String(options.shedder!.retryAfterSeconds) },
            extensions: { retryAfterSeconds: options.shedder!.retryAfterSeconds },
          });
        }
        const leave = options.shedder?.enter();
        if (leave) res.once('close', leave);
        if (options.graphql) return await options.graphql(req, res, url);
        const body = await readBody(req);
        // Built before Apollo runs so that an identity failure answers 401 in GraphQL's shape
        // instead of Apollo's generic "context creation failed" 500.
        const context = await options.context(req);
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
        const response = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
          context: async () => context,
        });
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (response.body.kind === 'complete') return void res.end(response.body.string);
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        return void res.end();
      }
      const route = routes[url.pathname] ?? (url.pathname.startsWith('/internal/') ? routes['/internal/*'] : undefined);
      if (!route) return send(res, 404, { error: 'not found' });
      const result = await route(req, await readBody(req));
      send(res, result.status ?? 200, result.body, result.contentType, result.headers);
    } catch (error) {
      if (error instanceof HttpError) {
        // Context failures on /graphql answer in GraphQL's shape so clients can read the code.
        const body =
          label === '/graphql'
            ? { errors: [{ message: error.message, extensions: { code: error.code ?? 'BAD_REQUEST', ...error.extra.extensions } }] }
            : { error: error.message, code: error.code };
        return send(res, error.status, body, 'application/json', error.extra.headers);
      }
      logger.error({ err: error, path: url.pathname }, 'unhandled request error');
      send(res, 500, label === '/graphql' ? { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } : { error: 'internal error' });
    }
  });
  server.keepAliveTimeout = 65_000;
  if (!timeouts) server.headersTimeout = 66_000;
  return server;
}

/** Starts listening and resolves with the bound port (use port 0 for a free one). */
export function listen(server: http.Server, port: number, host = '0.0.0.0'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
