/**
 * The gateway's `/graphql` over HTTP, in the order a request pays for it: read the body, know
 * the caller (verified tokens are remembered until they expire), resolve a persisted operation,
 * then count the request against the caller's rate limit and look it up in the response cache
 * (one Redis round trip for both when a response is stored for it). A fresh cached response is written as it
 * was stored: no parse, validation, planning or subgraph fetch. Anything else runs through
 * Apollo Server and the query plan, collecting the cache tags of what it shows so that a query
 * can be stored on its way out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Identity } from '@platform/auth';
import type { Logger } from '@platform/logger';
import { annotate, tracingEnabled } from '@platform/telemetry';
import { canonicalJson, HttpError, readBody, unstorablePath } from '@platform/server';
import type { DocumentInfo } from './cache/cacheable.ts';
import type { OperationMetrics } from './operation-metrics.ts';
import type { ResponseCache } from './cache/response-cache.ts';
import { ResponseTags, type GatewayContext } from './datasource.ts';
import type { OperationRequest, PersistedOperations } from './persisted.ts';
import type { RateLimiter } from './rate-limit.ts';

export interface EndpointDeps {
  apollo: ApolloServer<GatewayContext>;
  identityOf(req: IncomingMessage): Promise<Identity>;
  rateLimiter: RateLimiter;
  persisted: PersistedOperations;
  analyse(query: string, operationName: string | undefined): DocumentInfo;
  /** Absent when the response cache is off. */
  cache: ResponseCache | undefined;
  logger?: Logger;
  metrics?: OperationMetrics;
  /** Largest body read. */
  maxBodyBytes?: number;
  /** Per-caller cap on requests in flight (throws 429 past it). */
  callerCap?: { enter(identity: Identity, req: IncomingMessage, res: ServerResponse): void };
}

/** Whose cached responses these are: never shared across users, guests, roles or the anonymous. */
export function identityKey(identity: Identity): string {
  switch (identity.kind) {
    case 'user':
      return `u:${identity.role}:${identity.userId}`;
    case 'guest':
      return `g:${identity.guestId}`;
    case 'service':
      return `s:${identity.service}`;
    default:
      return 'a';
  }
}

const NO_CODES: readonly string[] = [];
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function bodyFromSearch(params: URLSearchParams): OperationRequest {
  const json = (name: string): unknown => {
    const raw = params.get(name);
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  };
  return { query: params.get('query') ?? undefined, operationName: params.get('operationName') ?? undefined, variables: json('variables'), extensions: json('extensions') };
}

function searchOf(body: OperationRequest): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    params.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return `?${params.toString()}`;
}

/** The request Apollo sees: the resolved query text, without the persisted-query extension (handled here). */
function withQuery(body: OperationRequest, query: string): OperationRequest {
  const extensions = body.extensions && typeof body.extensions === 'object' ? { ...(body.extensions as Record<string, unknown>) } : undefined;
  if (extensions) delete extensions.persistedQuery;
  const resolved: OperationRequest = { ...body, query };
  if (extensions && Object.keys(extensions).length) resolved.extensions = extensions;
  else delete resolved.extensions;
  return resolved;
}

export function createGraphQLEndpoint(deps: EndpointDeps) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = method === 'GET' ? bodyFromSearch(url.searchParams) : await readBody(req, deps.maxBodyBytes);
    const identity = await deps.identityOf(req);
    deps.callerCap?.enter(identity, req, res);
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return void (await runApollo(deps, req, res, method, raw, url.search, { identity }));

    const body = raw as OperationRequest;
    const operation = await deps.persisted.resolve(body);
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const info = deps.analyse(operation.query, operationName);
    const started = performance.now();
    // The client's mistakes, answered before anything runs (Apollo would answer a token limit with a 500).
    if (info.parseError) throw new HttpError(400, info.parseError, 'GRAPHQL_PARSE_FAILED');
    const unstorable = info.unstorable ?? unstorablePath(body.variables, 'variables');
    if (unstorable) throw new HttpError(400, `\`${unstorable}\` holds a character no field accepts (NUL or an unpaired surrogate).`, 'BAD_USER_INPUT', { extensions: { field: unstorable } });
    const key = deps.cache && info.cacheable ? `${identityKey(identity)}\u0000${operation.hash}\u0000${operationName ?? ''}\u0000${canonicalJson(body.variables ?? {})}` : undefined;
    // A stored response's tags are read and the request counted in one Redis round trip; anything else is counted alone.
    let counted = false;
    const lookup = key
      ? await deps.cache!.lookup(key, (keys) => {
          counted = true;
          return deps.rateLimiter.consumeAndRead(identity, req, keys);
        })
      : undefined;
    if (!counted) await deps.rateLimiter.consume(identity, req);
    // Operation names are the client's document names (bounded by the registered documents), never variables.
    // (Guarded: with tracing off and debug logs off a cached view allocates nothing here.)
    if (tracingEnabled()) annotate({ 'graphql.operation.name': info.name ?? '', 'platform.response_cache': lookup?.kind ?? 'off' });
    if (deps.logger?.isLevelEnabled('debug')) deps.logger.debug({ operation: info.name, cache: lookup?.kind ?? 'off' }, 'graphql request');
    if (lookup?.kind === 'hit') {
      res.writeHead(200, { ...JSON_HEADERS, 'content-length': lookup.body.length });
      res.end(lookup.body);
      return void deps.metrics?.operation(info.name, info.type, (performance.now() - started) / 1000, NO_CODES, true);
    }
    const context: GatewayContext = key && lookup?.kind !== 'bypass' ? { identity, tags: new ResponseTags() } : { identity };
    if (info.type === 'query') context.readOnly = true;
    // Made here, not by the data source: Apollo hands data sources a shallow copy of the context.
    context.unavailable = new Set();
    context.errorCodes = [];
    const resolved = withQuery(body, operation.query);
    // A query whose subgraph did not answer: this caller's last good answer, marked stale, if there is one.
    const fallback = key ? (down: string[]) => deps.cache!.staleFor(key, down) : undefined;
    const written = await runApollo(deps, req, res, method, method === 'GET' ? undefined : resolved, method === 'GET' ? searchOf(resolved) : url.search, context, fallback);
    if (key && context.tags?.storable && written.status === 200 && written.body !== undefined) deps.cache!.store(key, written.body, context.tags.tokens);
    deps.metrics?.operation(info.name, info.type, (performance.now() - started) / 1000, context.errorCodes, false);
  };
}

/** Runs one request through Apollo Server and writes its answer; returns what it wrote. */
async function runApollo(
  deps: EndpointDeps,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  body: unknown,
  search: string,
  context: GatewayContext,
  fallback?: (unavailable: string[]) => string | undefined,
): Promise<{ status: number; body: string | undefined }> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  const response = await deps.apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method, headers, search, body }, context: async () => context });
  for (const [name, value] of response.headers) res.setHeader(name, value);
  const status = response.status ?? 200;
  res.statusCode = status;
  if (response.body.kind === 'complete') {
    const stale = context.unavailable?.size ? fallback?.([...context.unavailable]) : undefined;
    if (stale !== undefined) {
      res.statusCode = 200;
      res.end(stale);
      return { status: 200, body: undefined };
    }
    res.end(response.body.string);
    return { status, body: response.body.string };
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
  return { status, body: undefined };
}
