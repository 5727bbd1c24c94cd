/**
 * The one HTTP transport for service-to-service calls (internal operations that are not part of
 * the public schema): JSON over POST to `/internal/<operation>`, keep-alive connections, a
 * timeout per call, and the caller's signed service identity. It returns the parsed JSON as
 * `unknown`: only `createContractClient` (contract.ts) turns it into a typed answer, after
 * validating it against the callee's schema.
 */
import { Agent, request } from 'undici';
import { signIdentity } from '@platform/auth';
import { CircuitOpenError, type DependencyBreaker } from './breaker.ts';

export class InternalCallError extends Error {
  /**
   * Set when the callee gave no answer (timeout, refused or reset, 5xx, open circuit): what a
   * resolver that lets this error through answers, SERVICE_UNAVAILABLE naming the service with a
   * retry hint (graphql-js copies an original error's `extensions`), never INTERNAL_SERVER_ERROR.
   */
  readonly extensions?: { code: 'SERVICE_UNAVAILABLE'; service: string; retryAfterSeconds: number };

  constructor(
    readonly operation: string,
    readonly status: number | undefined,
    message: string,
    readonly code?: string,
    /** The called service, when it did not answer. */
    unavailable?: { service: string; retryAfterSeconds?: number; detail?: string },
  ) {
    // An unanswered call's message is public (it may reach a client): the detail stays in `detail`.
    super(unavailable ? `The ${unavailable.service} service is not answering right now; please try again in a moment.` : message);
    this.name = 'InternalCallError';
    if (unavailable) {
      this.extensions = { code: 'SERVICE_UNAVAILABLE', service: unavailable.service, retryAfterSeconds: unavailable.retryAfterSeconds ?? 1 };
      this.detail = message;
    }
  }

  /** What went wrong underneath, for logs. */
  readonly detail?: string;

  /** True when the callee gave no answer (the call may be retried; nothing it would have done can be assumed). */
  get unanswered(): boolean {
    return this.extensions !== undefined;
  }
}

export interface InternalClientOptions {
  /** Origin or any URL of the target service; only its origin is used. */
  baseUrl: string;
  /** INTERNAL_SECRET. */
  secret: string;
  /** Name of the calling service, recorded by the callee. */
  caller: string;
  /** Name of the called service, for messages. */
  service: string;
  timeoutMs?: number;
  /** The caller's circuit breaker for this service: unanswered calls open it, and while open calls fail at once. */
  breaker?: DependencyBreaker;
}

export interface InternalTransport {
  /** Posts `body` to `/internal/<operation>`; the answer's JSON, or an `InternalCallError`. */
  post(operation: string, body: unknown, options?: { timeoutMs?: number }): Promise<unknown>;
  close(): Promise<void>;
}

/** Creates the transport to one service's internal operations. */
export function createInternalClient(options: InternalClientOptions): InternalTransport {
  const origin = new URL(options.baseUrl).origin;
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  const defaultTimeout = options.timeoutMs ?? 3_000;
  return {
    post(operation, body, callOptions = {}) {
      if (!options.breaker) return send(operation, body, callOptions);
      return options.breaker.run(() => send(operation, body, callOptions), (error) => error instanceof InternalCallError && error.unanswered).catch((error: unknown) => {
        if (error instanceof CircuitOpenError) throw new InternalCallError(operation, undefined, error.message, undefined, { service: options.service, retryAfterSeconds: error.retryAfterSeconds, detail: error.message });
        throw error;
      });
    },
    close: () => agent.close(),
  };

  async function send(operation: string, body: unknown, callOptions: { timeoutMs?: number }): Promise<unknown> {
    const timeout = callOptions.timeoutMs ?? defaultTimeout;
    let response;
    try {
      const path = `/internal/${operation}`;
      const text = JSON.stringify(body ?? {});
      response = await request(`${origin}${path}`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', ...signIdentity({ kind: 'service', service: options.caller }, options.secret, { method: 'POST', path, body: text }) },
        body: text,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout),
      });
    } catch (error) {
      throw new InternalCallError(operation, undefined, `internal call ${options.service}.${operation} failed: ${(error as Error).message}`, undefined, { service: options.service });
    }
    const text = await response.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.statusCode >= 400) {
      const err = (parsed ?? {}) as { error?: string; code?: string };
      const message = err.error ?? `internal call ${options.service}.${operation} returned ${response.statusCode}`;
      // 5xx without a declared refusal: the service could not do it (overloaded, crashed mid-call).
      const unavailable = response.statusCode >= 500 && !err.code ? { service: options.service } : undefined;
      throw new InternalCallError(operation, response.statusCode, message, err.code, unavailable);
    }
    return parsed;
  }
}
