/**
 * The one HTTP client for service-to-service calls (internal operations that are not part of
 * the public schema): JSON over POST to `/internal/<operation>`, keep-alive connections, a
 * timeout per call, and the caller's signed service identity.
 */
import { Agent, request } from 'undici';
import { signIdentity } from './signed-identity.ts';

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
  timeoutMs?: number;
}

export interface InternalClient {
  call<T>(operation: string, body: unknown, options?: { timeoutMs?: number }): Promise<T>;
  close(): Promise<void>;
}

/** Creates a client for the internal operations of one service. */
export function createInternalClient(options: InternalClientOptions): InternalClient {
  const origin = new URL(options.baseUrl).origin;
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  const defaultTimeout = options.timeoutMs ?? 3_000;
  return {
    async call<T>(operation: string, body: unknown, callOptions: { timeoutMs?: number } = {}): Promise<T> {
      const timeout = callOptions.timeoutMs ?? defaultTimeout;
      let response;
      try {
        response = await request(`${origin}/internal/${operation}`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', ...signIdentity({ kind: 'service', service: options.caller }, options.secret) },
          body: JSON.stringify(body ?? {}),
          headersTimeout: timeout,
          bodyTimeout: timeout,
          signal: AbortSignal.timeout(timeout),
        });
      } catch (error) {
        throw new InternalCallError(operation, undefined, `internal call ${operation} failed: ${(error as Error).message}`);
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
        throw new InternalCallError(operation, response.statusCode, err.error ?? `internal call ${operation} returned ${response.statusCode}`, err.code);
      }
      return parsed as T;
    },
    close: () => agent.close(),
  };
}
