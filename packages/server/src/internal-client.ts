/**
 * The one HTTP transport for service-to-service calls (internal operations that are not part of
 * the public schema): JSON over POST to `/internal/<operation>`, keep-alive connections, a
 * timeout per call, and the caller's signed service identity. It returns the parsed JSON as
 * `unknown`: only `createContractClient` (contract.ts) turns it into a typed answer, after
 * validating it against the callee's schema.
 */
import { Agent, request } from 'undici';
import { signIdentity } from '@platform/auth';

export class InternalCallError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number | undefined,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'InternalCallError';
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
    async post(operation, body, callOptions = {}) {
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
        throw new InternalCallError(operation, undefined, `internal call ${options.service}.${operation} failed: ${(error as Error).message}`);
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
        throw new InternalCallError(operation, response.statusCode, err.error ?? `internal call ${options.service}.${operation} returned ${response.statusCode}`, err.code);
      }
      return parsed;
    },
    close: () => agent.close(),
  };
}
