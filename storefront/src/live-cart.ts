/**
 * The cart on screen, kept live by the SDK's `subscribeToCart`: every change from any device
 * shows here in version order; after this tab's own change, `refresh()` reads it at once.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CartClient, CartSubscription, LiveCart, LiveStatus } from '@cart-platform/sdk';

export interface LiveCartState {
  /** undefined while loading; null when the caller has no cart yet. */
  cart: LiveCart | null | undefined;
  status: LiveStatus;
  /** True once the subscription is established and settled (every change from now on arrives live). */
  ready: boolean;
  refresh(): Promise<void>;
}

export function useLiveCart(client: CartClient, enabled: boolean): LiveCartState {
  const [cart, setCart] = useState<LiveCart | null | undefined>(undefined);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [ready, setReady] = useState(false);
  const subscription = useRef<CartSubscription | undefined>(undefined);

  useEffect(() => {
    if (!enabled) return;
    // A replaced subscription (the shopper signed in) may still report while it closes: ignore it.
    let active = true;
    setCart(undefined);
    setStatus('connecting');
    setReady(false);
    const sync = client.subscribeToCart((update) => active && setCart(update.cart), {
      onStatus: (next) => active && setStatus(next),
      onError: (error) => active && console.warn('live cart sync:', error),
    });
    sync.ready.then(
      () => active && setReady(true),
      () => undefined,
    );
    subscription.current = sync;
    return () => {
      active = false;
      subscription.current = undefined;
      void sync.unsubscribe();
    };
  }, [client, enabled]);

  const refresh = useCallback(() => subscription.current?.refresh() ?? Promise.resolve(), []);
  return { cart, status, ready, refresh };
}
