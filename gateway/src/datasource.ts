/**
 * How the gateway talks to subgraphs: keep-alive HTTP (undici) with a per-subgraph timeout, and
 * the caller's identity forwarded in headers signed with INTERNAL_SECRET.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { Agent, fetch } from 'undici';
import { signIdentity, type Identity } from '@platform/auth';

export interface GatewayContext {
  identity: Identity;
}

/** A fetch bound to one keep-alive pool that gives up after `timeoutMs`. */
export function keepAliveFetcher(timeoutMs: number): { fetcher: Fetcher; close: () => Promise<void> } {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128, pipelining: 1 });
  const fetcher = (async (url: string, init: Record<string, unknown> = {}) => {
    try {
      return await fetch(url, { ...init, dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) } as Parameters<typeof fetch>[1]);
    } catch (error) {
      // The gateway rewrites a failed fetch's message, which a DOMException (the timeout's) forbids;
      // hand it a plain Error so a slow subgraph fails its part of the plan, not the whole request.
      const name = (error as Error).name;
      throw new Error(name === 'TimeoutError' || name === 'AbortError' ? `subgraph request timed out after ${timeoutMs} ms` : `subgraph request failed: ${(error as Error).message}`);
    }
  }) as unknown as Fetcher;
  return { fetcher, close: () => agent.close() };
}

export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    options: { url: string; fetcher: Fetcher },
    private readonly internalSecret: string,
  ) {
    super(options);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const identity = context?.identity ?? { kind: 'anonymous' };
    for (const [name, value] of Object.entries(signIdentity(identity, this.internalSecret))) request.http?.headers.set(name, value);
  }

  /**
   * A subgraph answers 400 when it refuses a variable (e.g. a malformed Decimal). That is the
   * client's mistake, so its BAD_USER_INPUT message passes through; anything else stays masked.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    if (response.status === 400) {
      const body = (await response
        .clone()
        .json()
        .catch(() => undefined)) as { errors?: { message?: string; extensions?: { code?: string } }[] } | undefined;
      const first = body?.errors?.[0];
      if (first?.extensions?.code === 'BAD_USER_INPUT' && first.message) return new GraphQLError(first.message, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return super.errorFromResponse(response);
  }
}
