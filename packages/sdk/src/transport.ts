/**
 * GraphQL over HTTP as the SDK speaks it: POST with JSON, automatic persisted queries (APQ) when
 * the server supports them, and retries with backoff on network errors and HTTP 429.
 *
 * APQ, Apollo style: the first request of an operation sends only its SHA-256 hash; a server that
 * does not know it answers PERSISTED_QUERY_NOT_FOUND and the SDK resends hash and query (which
 * registers it); a server that does not support APQ answers PERSISTED_QUERY_NOT_SUPPORTED and the
 * SDK stops sending hashes. Neither counts as a failed attempt.
 *
 * Retries: every 429 (the request was refused before it ran; `Retry-After` is honoured), a 502,
 * 503 or 504 without a GraphQL answer, and network errors of operations that are safe to repeat:
 * queries, and mutations carrying an idempotency key (the server replays the first result).
 */
import type { OperationSpec } from './generated/operations.ts';
import { CartApiError, CartNetworkError, type GraphQLErrorEntry } from './errors.ts';
import { DEFAULT_RETRY, parseRetryAfter, retryDelay, sleep, type RetryOptions } from './retry.ts';

export interface GraphQLResponseBody {
  data?: unknown;
  errors?: GraphQLErrorEntry[];
  extensions?: Record<string, unknown>;
}

export interface TransportOptions {
  url: string;
  fetch: typeof fetch;
  /** Headers of every request (credentials), read per request so tokens can change. */
  headers: () => Promise<Record<string, string>>;
  /** Send persisted-query hashes first (default true). */
  persistedQueries: boolean;
  retry: RetryOptions;
  /** Called before each retry with the wait chosen; for logs and tests. */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  operationName: string;
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  reason: 'network' | 'rate-limited' | 'unavailable';
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const codes = (body: GraphQLResponseBody) => new Set((body.errors ?? []).map((e) => e.extensions?.code));

/** Sends operations to one GraphQL endpoint. */
export class HttpTransport {
  private persisted: boolean;
  private readonly retry: Required<RetryOptions>;

  constructor(private readonly options: TransportOptions) {
    this.persisted = options.persistedQueries;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** Whether hashes are sent (false once the server said it does not support them). */
  get persistedQueries(): boolean {
    return this.persisted;
  }

  /**
   * Sends one operation (retrying as described above) and returns the GraphQL answer; throws
   * `CartNetworkError` when there is none after every attempt.
   */
  async send(spec: OperationSpec, variables: Record<string, unknown> | undefined, options: RequestOptions = {}): Promise<GraphQLResponseBody & { status: number }> {
    const repeatable = spec.kind === 'query' || spec.keyedInput;
    let withQuery = !this.persisted;
    let failures = 0;
    for (;;) {
      const body: Record<string, unknown> = { operationName: spec.name, variables: variables ?? {} };
      if (withQuery) body.query = spec.query;
      if (this.persisted) body.extensions = { persistedQuery: { version: 1, sha256Hash: spec.sha256 } };

      let response: Response;
      try {
        response = await this.options.fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(await this.options.headers()), ...options.headers },
          body: JSON.stringify(body),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        failures++;
        if (!repeatable || failures >= this.retry.attempts) throw new CartNetworkError(spec.name, `network error: ${describe(error)}`, failures, undefined, { cause: error });
        await this.wait(spec, failures, 'network', undefined, options.signal);
        continue;
      }

      const parsed = await readBody(response);
      if (response.status === 429) {
        failures++;
        if (failures >= this.retry.attempts) {
          if (parsed?.errors?.length) throw new CartApiError(spec.name, parsed.errors, 429, parsed.data);
          throw new CartNetworkError(spec.name, 'rate limited (HTTP 429)', failures, 429);
        }
        await this.wait(spec, failures, 'rate-limited', parseRetryAfter(response.headers.get('retry-after')), options.signal);
        continue;
      }
      if (!parsed) {
        failures++;
        const retryable = RETRYABLE_STATUS.has(response.status);
        if (!retryable || failures >= this.retry.attempts) throw new CartNetworkError(spec.name, `HTTP ${response.status} without a GraphQL answer`, failures, response.status);
        await this.wait(spec, failures, 'unavailable', parseRetryAfter(response.headers.get('retry-after')), options.signal);
        continue;
      }

      const answered = codes(parsed);
      if (this.persisted && answered.has('PERSISTED_QUERY_NOT_SUPPORTED')) {
        this.persisted = false;
        withQuery = true;
        continue;
      }
      if (this.persisted && !withQuery && answered.has('PERSISTED_QUERY_NOT_FOUND')) {
        withQuery = true;
        continue;
      }
      return { ...parsed, status: response.status };
    }
  }

  private async wait(spec: OperationSpec, retry: number, reason: RetryInfo['reason'], retryAfterMs: number | undefined, signal?: AbortSignal): Promise<void> {
    const delayMs = retryDelay(retry, this.retry, retryAfterMs);
    this.options.onRetry?.({ operationName: spec.name, retry, delayMs, reason });
    await sleep(delayMs, signal);
  }
}

/** The JSON GraphQL body of a response, or undefined when it is not one. */
async function readBody(response: Response): Promise<GraphQLResponseBody | undefined> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === 'object' && body !== null && ('data' in body || 'errors' in body)) return body as GraphQLResponseBody;
  } catch {
    // not JSON: a proxy's error page, for instance
  }
  return undefined;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const message = error instanceof Error ? error.message : String(error);
  return cause?.code ? `${message} (${cause.code})` : message;
}
