/**
 * How the gateway talks to subgraphs. One keep-alive pool per subgraph on `undici.request` with
 * undici's own timeouts (no WHATWG `Request`, `AbortSignal` or web streams per fetch), the
 * caller's identity forwarded in headers signed with INTERNAL_SECRET, and batching: the fetches
 * one incoming request makes to the same subgraph in the same tick (a cart view asks pricing for
 * `Product.price`, `CartLine.currentUnitPrice` and `Cart.cost` in parallel) travel as one HTTP
 * request with a JSON array, which the subgraph runs with one context and one set of loaders.
 *
 * When the incoming request may be cached, subgraphs are asked for the cache tags of what they
 * read (`x-cache-tags: 1`) and the answers are collected into the request's `ResponseTags`.
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Pool } from 'undici';
import { signIdentity, type Identity } from '@platform/auth';
import { CACHE_TAGS_HEADER, CircuitOpenError, type DependencyBreaker } from '@platform/server';
import { activeContext, inSpan, withContext, type TraceContext } from '@platform/telemetry';
import { graphql } from './graphql.ts';

/** The tags a cached response depends on, collected from every subgraph answer of one request. */
export class ResponseTags {
  readonly tokens = new Map<string, string>();
  storable = true;

  /** Adds one subgraph answer's tags; an answer without them (or a tag seen with two tokens) makes the response unstorable. */
  add(tags: unknown): void {
    if (!tags || typeof tags !== 'object') return void (this.storable = false);
    for (const [tag, token] of Object.entries(tags as Record<string, unknown>)) {
      if (typeof token !== 'string') return void (this.storable = false);
      const seen = this.tokens.get(tag);
      if (seen !== undefined && seen !== token) this.storable = false;
      this.tokens.set(tag, token);
    }
  }
}

export interface GatewayContext {
  identity: Identity;
  /** Present when the response may be cached: collects what it depends on. */
  tags?: ResponseTags;
  /** A query (no writes): its fetches get the short read budget, and a missing part may be answered from the last good response. */
  readOnly?: boolean;
  /** Subgraphs that did not answer this request (timed out, refused, circuit open); filled in by the data sources. */
  unavailable?: Set<string>;
  /** Error codes of the answer (set by a plugin, read for metrics). */
  errorCodes?: string[];
}

export interface SubgraphClientOptions {
  name: string;
  url: string;
  internalSecret: string;
  timeoutMs: number;
  /** Budget of a fetch made for a query (shorter: a read can be answered without it, a write cannot be left in doubt). */
  readTimeoutMs: number;
  /** This gateway's circuit breaker for the subgraph. */
  breaker?: DependencyBreaker;
  /** Keep-alive connections to this subgraph. */
  connections: number;
  /** Counts each HTTP request sent (a batch counts once). */
  onRequest?: (subgraph: string) => void;
  /** Each fetch's duration and failure kind (metrics). */
  onFetch?: (subgraph: string, seconds: number, failure: 'timeout' | 'unavailable' | 'circuit_open' | 'error' | undefined) => void;
}

interface Pending {
  body: { query: string; variables?: Record<string, unknown> | undefined; operationName?: string | null | undefined };
  resolve: (response: GatewayGraphQLResponse) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  identity: Identity;
  context: Partial<GatewayContext>;
  /** The trace context of the request that made these fetches: the flush runs on a later tick, possibly for several requests. */
  trace: TraceContext;
  wantTags: boolean;
  items: Pending[];
}

type SubgraphAnswer = GatewayGraphQLResponse & { extensions?: Record<string, unknown> };

export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly pool: Pool;
  private readonly path: string;
  /** Fetches waiting for this tick's flush, per incoming request (its context). */
  private readonly batches = new Map<object, Batch>();
  private flushScheduled = false;

  constructor(private readonly options: SubgraphClientOptions) {
    const url = new URL(options.url);
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: Math.min(options.timeoutMs, 2_000),
    });
    this.path = url.pathname + url.search;
  }

  process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    if (!request.query) return Promise.reject(new Error('Missing query'));
    const context = (options.context ?? {}) as Partial<GatewayContext>;
    const body = { query: request.query, variables: request.variables, operationName: request.operationName };
    return new Promise<GatewayGraphQLResponse>((resolve, reject) => {
      let batch = this.batches.get(context);
      if (!batch) this.batches.set(context, (batch = { identity: context.identity ?? { kind: 'anonymous' }, context, trace: activeContext(), wantTags: context.tags !== undefined, items: [] }));
      batch.items.push({ body, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // After this tick's microtasks: every parallel fetch of a query plan step is queued by then.
        setImmediate(() => this.flush());
      }
    }).then((answer) => this.collect(answer, context));
  }

  /** Closes the connections. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private flush(): void {
    this.flushScheduled = false;
    const batches = [...this.batches.values()];
    this.batches.clear();
    for (const batch of batches) void withContext(batch.trace, () => inSpan(`subgraph ${this.options.name}`, { 'platform.subgraph': this.options.name, 'platform.batch_size': batch.items.length }, () => this.send(batch)));
  }

  private async send(batch: Batch): Promise<void> {
    const single = batch.items.length === 1;
    const body = JSON.stringify(single ? batch.items[0]!.body : batch.items.map((i) => i.body));
    const headers: Record<string, string> = { 'content-type': 'application/json', ...signIdentity(batch.identity, this.options.internalSecret, { method: 'POST', path: this.path, body }) };
    if (batch.wantTags) headers[CACHE_TAGS_HEADER] = '1';
    const timeout = batch.context.readOnly ? Math.min(this.options.readTimeoutMs, this.options.timeoutMs) : this.options.timeoutMs;
    const fetch = async () => {
      this.options.onRequest?.(this.options.name);
      const response = await this.pool.request({ method: 'POST', path: this.path, headers, body, headersTimeout: timeout, bodyTimeout: timeout });
      const text = await response.body.text();
      // Behind a proxy that could not reach it: the subgraph did not do the work (and counts for its circuit).
      if (response.statusCode === 502 || response.statusCode === 504) throw subgraphUnavailable(this.options.name, response.statusCode);
      return { status: response.statusCode, text };
    };
    const started = performance.now();
    try {
      const response = this.options.breaker ? await this.options.breaker.run(fetch, isUnavailable) : await fetch();
      // Shedding load: it answered at once, so its circuit stays closed (opening it would shed even more), but the client hears SERVICE_UNAVAILABLE.
      if (response.status === 503) throw subgraphUnavailable(this.options.name, 503);
      const text = response.text;
      const parsed = parseJson(text);
      if (response.status === 400) throw userInputError(parsed) ?? new Error(`subgraph ${this.options.name} answered 400`);
      if (response.status >= 300) throw new Error(`subgraph ${this.options.name} answered ${response.status}`);
      const answers = single ? [parsed] : parsed;
      if (!Array.isArray(answers) || answers.length !== batch.items.length) throw new Error(`subgraph ${this.options.name} answered a malformed batch`);
      batch.items.forEach((item, i) => item.resolve(answers[i] as GatewayGraphQLResponse));
      this.options.onFetch?.(this.options.name, (performance.now() - started) / 1000, undefined);
    } catch (error) {
      this.options.onFetch?.(this.options.name, (performance.now() - started) / 1000, failureKind(error));
      const down = error instanceof CircuitOpenError || isUnavailable(error);
      if (down) batch.context.unavailable?.add(this.options.name);
      const failure = down ? unavailable(this.options.name, error instanceof CircuitOpenError ? error.retryAfterSeconds : 1) : error;
      for (const item of batch.items) item.reject(failure);
    }
  }

  /** Takes the cache tags out of an answer into the request's collector. */
  private collect(answer: SubgraphAnswer, context: Partial<GatewayContext>): GatewayGraphQLResponse {
    if (context.tags) {
      if (answer.errors?.length) context.tags.storable = false;
      context.tags.add(answer.extensions?.cacheTags);
    }
    if (answer.extensions) {
      const { cacheTags: _tags, ...rest } = answer.extensions;
      return { ...answer, extensions: rest };
    }
    return answer;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A subgraph answers 400 when it refuses a variable (e.g. a malformed Decimal). That is the
 * client's mistake, so its BAD_USER_INPUT message passes through; anything else stays masked.
 */
function userInputError(body: unknown): Error | undefined {
  const first = (body as { errors?: { message?: string; extensions?: { code?: string; field?: string } }[] } | undefined)?.errors?.[0];
  if (first?.extensions?.code !== 'BAD_USER_INPUT' || !first.message) return undefined;
  return new graphql.GraphQLError(first.message, { extensions: { code: 'BAD_USER_INPUT', ...(first.extensions.field ? { field: first.extensions.field } : {}) } });
}

/**
 * A subgraph that did not answer (refused, dropped or timed out the connection) is
 * SERVICE_UNAVAILABLE naming it, with a retry hint: never an opaque INTERNAL_SERVER_ERROR. Built
 * with graphql-js as Apollo loads it (see graphql.ts).
 */
function unavailable(service: string, retryAfterSeconds: number): Error {
  return new graphql.GraphQLError(`The ${service} service is not answering right now; please try again in a moment.`, { extensions: { code: 'SERVICE_UNAVAILABLE', service, retryAfterSeconds } });
}

const subgraphUnavailable = (name: string, status: number) => Object.assign(new Error(`subgraph ${name} answered ${status}`), { code: 'SUBGRAPH_UNAVAILABLE' });

function failureKind(error: unknown): 'timeout' | 'unavailable' | 'circuit_open' | 'error' {
  if (error instanceof CircuitOpenError) return 'circuit_open';
  const code = (error as { code?: string } | null)?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'timeout';
  return isUnavailable(error) ? 'unavailable' : 'error';
}

const UNAVAILABLE_CODES = new Set(['SUBGRAPH_UNAVAILABLE', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ETIMEDOUT']);

/** Timeouts and refused or dropped connections: the subgraph is not answering. */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code !== undefined && UNAVAILABLE_CODES.has(code);
}
