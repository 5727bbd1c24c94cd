/**
 * `createCartClient`: a typed method per public operation (generated from
 * `packages/client/operations`), over `HttpTransport`, and `subscribeToCart` for live sync.
 */
import { CartApiError } from './errors.ts';
import { operations, type OperationSpec, type OperationTypes } from './generated/operations.ts';
import { subscribeToCart, type CartSubscription, type CartUpdate, type SubscribeOptions } from './live.ts';
import type { RetryOptions } from './retry.ts';
import { HttpTransport, type RequestOptions, type RetryInfo } from './transport.ts';

/** A credential, or a function giving the current one (read per request and per connection). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export interface CartClientOptions {
  /** The gateway's GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  url: string;
  /** A signed-in user's JWT (sent as `Authorization: Bearer`). */
  token?: TokenSource;
  /** A guest token from `startGuestSession` (sent as `x-guest-token`). */
  guestToken?: TokenSource;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** Send persisted-query hashes first, falling back to the full query (default true). */
  persistedQueries?: boolean;
  /** Attempts and backoff for network errors and HTTP 429. */
  retry?: RetryOptions;
  onRetry?: (info: RetryInfo) => void;
  /** WebSocket endpoint for subscriptions (default: `url` with ws:// or wss://). */
  wsUrl?: string;
  /** A WebSocket class (default: the global one, else the `ws` package). */
  webSocketImpl?: unknown;
  /** Makes idempotency keys (default: `crypto.randomUUID()`). */
  idempotencyKey?: () => string;
}

type Methods = { [K in keyof OperationTypes]: OperationTypes[K]['kind'] extends 'subscription' ? never : K }[keyof OperationTypes];

/** `input.idempotencyKey` becomes optional: the client fills it in. */
type AutoKey<I> = I extends { idempotencyKey?: unknown } ? Omit<I, 'idempotencyKey'> & { idempotencyKey?: string | null } : I;
type AutoKeyed<V> = string extends keyof V // no variables (an index signature of never)
  ? V
  : V extends { input?: infer I }
    ? Omit<V, 'input'> & ({} extends Pick<V, 'input'> ? { input?: AutoKey<I> } : { input: AutoKey<I> })
    : V;

/** The variables a method takes (idempotency keys optional). */
export type VariablesOf<K extends Methods> = AutoKeyed<OperationTypes[K]['variables']>;
/** What a method resolves with: the operation's typed `data`. */
export type ResultOf<K extends keyof OperationTypes> = OperationTypes[K]['result'];

export interface CallOptions extends RequestOptions {
  /** Idempotency key of this mutation (default: a new one, reused on every retry of this call). */
  idempotencyKey?: string;
}

type MethodArgs<K extends Methods> = {} extends VariablesOf<K> ? [variables?: VariablesOf<K>, options?: CallOptions] : [variables: VariablesOf<K>, options?: CallOptions];

/** One typed method per query and mutation of the public API. */
export type CartApiMethods = { [K in Methods]: (...args: MethodArgs<K>) => Promise<ResultOf<K>> };

export interface CartClient extends CartApiMethods {
  /** Live cart sync: every cart the device should show, in version order, with reconnect and catch-up. */
  subscribeToCart(onUpdate: (update: CartUpdate) => void, options?: SubscribeOptions): CartSubscription;
  /** The HTTP transport (e.g. `transport.persistedQueries`). */
  readonly transport: HttpTransport;
}

async function read(source: TokenSource | undefined): Promise<string | undefined> {
  return typeof source === 'function' ? await source() : source;
}

function defaultKey(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context in browsers; getRandomValues does not.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Creates a client for one caller (a user token, a guest token, or neither for the catalog). */
export function createCartClient(options: CartClientOptions): CartClient {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const headers = async (): Promise<Record<string, string>> => {
    const [token, guest] = await Promise.all([read(options.token), read(options.guestToken)]);
    return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(guest ? { 'x-guest-token': guest } : {}) };
  };
  const transport = new HttpTransport({
    url: options.url,
    fetch: fetchImpl,
    headers,
    persistedQueries: options.persistedQueries ?? true,
    retry: options.retry ?? {},
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  const newKey = options.idempotencyKey ?? defaultKey;

  async function call(spec: OperationSpec, variables: Record<string, unknown> | undefined, callOptions: CallOptions = {}): Promise<unknown> {
    let sent = variables;
    if (spec.keyedInput) {
      // One key per call, fixed before the first attempt, so every retry replays the same write.
      const input = (variables?.input ?? {}) as Record<string, unknown>;
      sent = { ...variables, input: { ...input, idempotencyKey: input.idempotencyKey ?? callOptions.idempotencyKey ?? newKey() } };
    }
    const { idempotencyKey: _key, ...requestOptions } = callOptions;
    const response = await transport.send(spec, sent, requestOptions);
    if (response.errors?.length) throw new CartApiError(spec.name, response.errors, response.status, response.data);
    return response.data;
  }

  const methods = Object.fromEntries(
    Object.entries(operations)
      .filter(([, spec]) => spec.kind !== 'subscription')
      .map(([method, spec]) => [method, (variables?: Record<string, unknown>, callOptions?: CallOptions) => call(spec, variables, callOptions)]),
  ) as unknown as CartApiMethods;

  const wsUrl = options.wsUrl ?? options.url.replace(/^http/, 'ws');
  const webSocketImpl = async (): Promise<unknown> => {
    if (options.webSocketImpl) return options.webSocketImpl;
    if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
    const ws = (await import('ws')) as { default?: unknown; WebSocket?: unknown };
    return ws.default ?? ws.WebSocket;
  };

  return {
    ...methods,
    transport,
    subscribeToCart(onUpdate, subscribeOptions) {
      return subscribeToCart(
        {
          wsUrl,
          webSocketImpl,
          connectionParams: headers,
          liveCart: () => methods.liveCart(),
          cartEvents: (afterVersion) => methods.cartEvents({ afterVersion, first: 500 }),
        },
        onUpdate,
        subscribeOptions,
      );
    },
  };
}
