/**
 * How the gateway talks to subgraphs: keep-alive HTTP (undici) with a per-subgraph timeout, and
 * the caller's identity forwarded in headers signed with INTERNAL_SECRET.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { Agent, fetch } from 'undici';
import { signIdentity, type Identity } from '@platform/auth';

export interface GatewayContext {
  identity: Identity;
}

/** A fetch bound to one keep-alive pool that gives up after `timeoutMs`. */
export function keepAliveFetcher(timeoutMs: number): { fetcher: Fetcher; close: () => Promise<void> } {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128, pipelining: 1 });
  const fetcher = ((url: string, init: Record<string, unknown> = {}) =>
    fetch(url, { ...init, dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) } as Parameters<typeof fetch>[1])) as unknown as Fetcher;
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
}
