/**
 * Devices for live cart sync tests: a real graphql-ws client over a real WebSocket, connected
 * to a gateway as a user or a guest, collecting what each subscription receives; and a second
 * gateway instance on the same stack, for fan-out across instances.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode, type ExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { decodeJwt } from 'jose';
import { createLogger } from '@platform/logger';
import { loadGatewayConfig } from '@platform/gateway/config';
import { startGateway, type RunningGateway } from '@platform/gateway';
import { waitUntil } from '@platform/testing';
import type { TestStack } from './stack.ts';

/** How a device authenticates in `connection_init`. */
export type DeviceCredentials = { token: string } | { guest: string } | { params: Record<string, unknown> } | { anonymous: true };

export interface ClosedEvent {
  code: number;
  reason: string;
}

export interface LiveSubscription<T> {
  /** `next` payloads, in the order they arrived. */
  results: ExecutionResult<T>[];
  /** Settles when the server completes the subscription or sends an `error` message. */
  ended: Promise<{ completed: true } | { completed: false; errors: unknown }>;
  /** Waits until at least `count` payloads arrived; returns them all. */
  waitForResults(count: number, timeoutMs?: number): Promise<ExecutionResult<T>[]>;
  /** Tells the server to stop this subscription. */
  unsubscribe(): void;
}

export interface Device {
  client: Client;
  /** Resolves when the server acknowledged `connection_init`; rejects if the socket closed first. */
  acknowledged: Promise<void>;
  /** Resolves with the close code and reason of the first socket close. */
  closed: Promise<ClosedEvent>;
  subscribe<T, V extends Record<string, unknown> = Record<string, unknown>>(document: TypedDocumentNode<T, V> | DocumentNode | string, variables?: V): LiveSubscription<T>;
  /** Closes the socket. */
  disconnect(): Promise<void>;
}

const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

function connectionParams(credentials: DeviceCredentials): Record<string, unknown> | undefined {
  if ('token' in credentials) return { authorization: `Bearer ${credentials.token}` };
  if ('guest' in credentials) return { 'x-guest-token': credentials.guest };
  if ('params' in credentials) return credentials.params;
  return undefined;
}

/**
 * Connects one device to a gateway's WebSocket endpoint (`url` is the gateway's HTTP GraphQL
 * URL). The client does not retry, so a refusal shows as `closed`.
 */
export function connectDevice(url: string, credentials: DeviceCredentials, options: { headers?: Record<string, string> } = {}): Device {
  let ack!: () => void;
  let fail!: (error: Error) => void;
  const acknowledged = new Promise<void>((resolve, reject) => ((ack = resolve), (fail = reject)));
  acknowledged.catch(() => undefined);
  let onClosed!: (event: ClosedEvent) => void;
  const closed = new Promise<ClosedEvent>((resolve) => (onClosed = resolve));
  let wasClosed = false;
  const headers = options.headers;
  const client = createClient({
    url: wsUrl(url),
    webSocketImpl: headers
      ? class extends WebSocket {
          constructor(address: string, protocols?: string | string[]) {
            super(address, protocols, { headers });
          }
        }
      : WebSocket,
    connectionParams: connectionParams(credentials),
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => undefined,
    on: {
      connected: () => ack(),
      closed: (event) => {
        if (wasClosed) return;
        wasClosed = true;
        const { code, reason } = event as { code: number; reason: string | Buffer };
        onClosed({ code, reason: String(reason) });
        fail(new Error(`socket closed before acknowledgement: ${code} ${String(reason)}`));
      },
    },
  });
  return {
    client,
    acknowledged,
    closed,
    subscribe<T>(document: TypedDocumentNode<T, Record<string, unknown>> | DocumentNode | string, variables?: Record<string, unknown>): LiveSubscription<T> {
      const results: ExecutionResult<T>[] = [];
      let settle!: (outcome: { completed: true } | { completed: false; errors: unknown }) => void;
      const ended = new Promise<{ completed: true } | { completed: false; errors: unknown }>((resolve) => (settle = resolve));
      const unsubscribe = client.subscribe<T>(
        { query: typeof document === 'string' ? document : print(document), ...(variables ? { variables } : {}) },
        {
          next: (result) => void results.push(result as ExecutionResult<T>),
          error: (errors) => settle({ completed: false, errors }),
          complete: () => settle({ completed: true }),
        },
      );
      return {
        results,
        ended,
        unsubscribe,
        async waitForResults(count, timeoutMs = 5_000) {
          await waitUntil(() => results.length >= count, () => `${count} cartUpdated payloads (got ${results.length})`, timeoutMs);
          return results;
        },
      };
    },
    async disconnect() {
      await client.dispose();
    },
  };
}

/** The cart owner a user id or a guest token stands for, as the gateway keys its devices. */
export function cartOwner(owner: { user: string } | { guest: string }): string {
  return 'user' in owner ? `USER:${owner.user}` : `GUEST:${decodeJwt(owner.guest).sub}`;
}

/**
 * Waits until `gateway` holds at least `count` live `cartUpdated` subscriptions of `owner`: from
 * then on every committed change of that owner's cart reaches them.
 */
export function waitForLiveSubscriptions(gateway: RunningGateway, owner: { user: string } | { guest: string }, count = 1, timeoutMs = 5_000): Promise<void> {
  const key = cartOwner(owner);
  return waitUntil(() => gateway.subscriptions.liveSubscriptions(key) >= count, `${count} live subscriptions of ${key} on ${gateway.url}`, timeoutMs);
}

/**
 * Starts another gateway instance on `stack` (same subgraphs, Redis prefix and secrets, a free
 * port), as a second replica behind a load balancer would be. Stop it before the stack.
 */
export function startExtraGateway(stack: TestStack, env: Record<string, string> = {}): Promise<RunningGateway> {
  const merged: Record<string, string> = { ...stack.env, GATEWAY_PORT: '0', ...env };
  return startGateway(loadGatewayConfig(merged), createLogger('gateway-extra', { level: merged.LOG_LEVEL ?? 'silent' }));
}
