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
  refresh(): Promise<void>;
}

export function useLiveCart(client: CartClient, enabled: boolean): LiveCartState {
  const [cart, setCart] = useState<LiveCart | null | undefined>(undefined);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const subscription = useRef<CartSubscription | undefined>(undefined);

  useEffect(() => {
    if (!enabled) return;
    setCart(undefined);
    const sync = client.subscribeToCart((update) => setCart(update.cart), { onStatus: setStatus, onError: (error) => console.warn('live cart sync:', error) });
    subscription.current = sync;
    return () => {
      subscription.current = undefined;
      void sync.unsubscribe();
    };
  }, [client, enabled]);

  const refresh = useCallback(() => subscription.current?.refresh() ?? Promise.resolve(), []);
  return { cart, status, refresh };
}
