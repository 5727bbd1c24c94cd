/**
 * Live cart sync for one device: `cartUpdated` over graphql-ws, with reconnects (exponential
 * backoff with jitter), and catch-up so the device converges on the newest cart and never shows
 * an older one than it showed (`CartVersionGate`):
 *
 * - on (re)connecting, it reads the cart (a change made while the socket was down shows at once),
 *   and reads it once more `settleMs` later: the server starts a subscription from the cart's
 *   version when it has read it, so a change committed between the first read and that moment
 *   would otherwise show only with the next change;
 * - on a version gap, and after a reconnect, it reads `cartEvents(afterVersion:)` for the
 *   changes the device did not see (`onEvents`), then the cart.
 */
import { createClient, type Client } from 'graphql-ws';
import { CartVersionGate } from './cart-sync.ts';
import { operations, type OperationTypes } from './generated/operations.ts';

export type LiveCart = NonNullable<OperationTypes['liveCart']['result']['cart']>;
export type CartEvent = OperationTypes['cartEvents']['result']['cartEvents'][number];
export type CartEventType = OperationTypes['liveCartUpdated']['result']['cartUpdated']['type'];

export interface CartUpdate {
  /** The cart to show; null when the caller has no cart (yet). */
  cart: LiveCart | null;
  /** `live`: pushed by the server; `snapshot`: read after connecting, a gap or `refresh()`. */
  source: 'live' | 'snapshot';
  /** The kind of change, for live updates. */
  type?: CartEventType;
}

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface SubscribeOptions {
  /** Connection state changes, e.g. for an "offline" badge. */
  onStatus?: (status: LiveStatus) => void;
  /** Changes the device missed (after a gap or a reconnect), oldest first. */
  onEvents?: (events: CartEvent[]) => void;
  /** Errors that did not stop the sync (a failed catch-up read) or that ended it. */
  onError?: (error: unknown) => void;
  /** Reconnect attempts before giving up (default: unlimited). */
  retryAttempts?: number;
  /** Delay of the second read after each (re)connect (default 500 ms; see above). */
  settleMs?: number;
}

export interface CartSubscription {
  /** The cart shown last (undefined until the first read or update). */
  readonly cart: LiveCart | null | undefined;
  /**
   * Resolves once the first connection is established and settled: from then on every change
   * of the cart reaches `onUpdate` as a live update. Rejects if the sync ends before.
   */
  readonly ready: Promise<void>;
  /** Reads the cart now and shows it if it is newer (call it after this device's own change). */
  refresh(): Promise<void>;
  /** Stops the subscription and closes the socket. */
  unsubscribe(): Promise<void>;
}

export interface LiveDeps {
  wsUrl: string;
  webSocketImpl: () => Promise<unknown>;
  connectionParams: () => Promise<Record<string, unknown>>;
  liveCart: () => Promise<OperationTypes['liveCart']['result']>;
  cartEvents: (afterVersion: number) => Promise<OperationTypes['cartEvents']['result']>;
}

/** Full-jitter exponential backoff for reconnects: up to 0.5 s, 1 s, 2 s, ... capped at 10 s. */
const reconnectWait = (retries: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(500 * 2 ** retries, 10_000)));

/** Starts live sync; `onUpdate` receives every cart the device should show, in order. */
export function subscribeToCart(deps: LiveDeps, onUpdate: (update: CartUpdate) => void, options: SubscribeOptions = {}): CartSubscription {
  const gate = new CartVersionGate();
  let shown: LiveCart | null | undefined;
  let client: Client | undefined;
  let stopped = false;
  let connections = 0;
  let stopSubscription: (() => void) | undefined;
  const status = (s: LiveStatus) => {
    if (s === 'closed') markReady.reject(new Error('live cart sync ended before it was ready'));
    if (!stopped) options.onStatus?.(s);
  };
  const markReady = (() => {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    promise.catch(() => undefined);
    return { promise, resolve, reject };
  })();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const fail = (error: unknown) => options.onError?.(error);

  const show = (cart: LiveCart | null, source: CartUpdate['source'], type?: CartEventType) => {
    if (stopped) return;
    shown = cart;
    onUpdate({ cart, source, ...(type ? { type } : {}) });
  };

  // Catch-ups run one at a time; one requested meanwhile runs after it, from the lower version.
  // `after`: read the events after this version first (undefined: only the cart).
  let running: Promise<void> | undefined;
  let pending: { after: number | undefined } | undefined;
  const lower = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
  const catchUp = (after: number | undefined): Promise<void> => {
    pending = { after: lower(pending?.after, after) };
    if (running) return running;
    running = (async () => {
      while (pending && !stopped) {
        const next = pending;
        pending = undefined;
        await readOnce(next.after).catch(fail);
      }
    })().finally(() => (running = undefined));
    return running;
  };

  const readOnce = async (after: number | undefined) => {
    if (after !== undefined && options.onEvents) {
      const { cartEvents } = await deps.cartEvents(after);
      if (cartEvents.length && !stopped) options.onEvents(cartEvents);
    }
    const ticket = gate.beginSnapshot();
    const { cart } = await deps.liveCart();
    if (gate.offerSnapshot(cart, ticket).show) show(cart, 'snapshot');
  };

  const start = async () => {
    const webSocketImpl = await deps.webSocketImpl();
    if (stopped) return;
    status('connecting');
    client = createClient({
      url: deps.wsUrl,
      webSocketImpl,
      connectionParams: deps.connectionParams,
      lazy: false,
      retryAttempts: options.retryAttempts ?? Number.POSITIVE_INFINITY,
      retryWait: reconnectWait,
      // A refusal of credentials (4403) may pass with fresh ones; keep trying like other drops.
      shouldRetry: () => !stopped,
      onNonLazyError: fail,
      on: {
        connected: () => {
          connections++;
          status('live');
          // After a reconnect, what happened while the socket was down comes as events, then the cart.
          void catchUp(connections > 1 ? gate.current?.version : undefined);
          const timer = setTimeout(() => {
            timers.delete(timer);
            void catchUp(undefined).then(() => markReady.resolve());
          }, options.settleMs ?? 500);
          timers.add(timer);
        },
        closed: () => status(stopped ? 'closed' : 'reconnecting'),
      },
    });
    stopSubscription = client.subscribe<OperationTypes['liveCartUpdated']['result']>(
      { query: operations.liveCartUpdated.query, operationName: operations.liveCartUpdated.name },
      {
        next: (result) => {
          const update = result.data?.cartUpdated;
          if (!update) return void (result.errors && fail(result.errors));
          const decision = gate.offerLive(update.cart);
          if (!decision.show) return;
          show(update.cart, 'live', update.type);
          if (decision.gap) void catchUp(decision.previousVersion);
        },
        error: (error) => {
          fail(error);
          status('closed');
        },
        // The server ends the stream when the cart closes (a guest cart merged at sign-in).
        complete: () => status('closed'),
      },
    );
  };
  start().catch((error: unknown) => {
    fail(error);
    status('closed');
  });

  return {
    get cart() {
      return shown;
    },
    ready: markReady.promise,
    refresh: () => catchUp(undefined),
    async unsubscribe() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      markReady.reject(new Error('unsubscribed before the live cart sync was ready'));
      stopSubscription?.();
      // dispose() rejects with the last connection error when a (re)connect was under way.
      await Promise.resolve(client?.dispose()).catch(() => undefined);
      options.onStatus?.('closed');
    },
  };
}
