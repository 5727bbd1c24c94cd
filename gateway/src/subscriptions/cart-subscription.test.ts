import { describe, expect, it } from 'vitest';
import type { ExecutionResult } from 'graphql';
import { createLogger } from '@platform/logger';
import type { Baseline } from './cart-reader.ts';
import { CartSubscription } from './cart-subscription.ts';
import type { CartEventMessage } from './messages.ts';
import type { SubscriptionMetrics } from './metrics.ts';

const noMetrics: SubscriptionMetrics = {
  connectionOpened: () => undefined,
  connectionClosed: () => undefined,
  subscriptionOpened: () => undefined,
  subscriptionEnded: () => undefined,
  refused: () => undefined,
  received: () => undefined,
  cartRead: () => undefined,
  delivery: () => undefined,
};

const event = (version: number, cartId = 'cart-1'): CartEventMessage => ({ kind: 'event', cartId, ownerType: 'USER', ownerId: 'u', version, type: 'LINE_ADDED', at: new Date().toISOString(), lineId: null, productId: null, quantity: null, payload: null });

function stream(options: { baseline?: Baseline | undefined; gapWaitMs?: number; maxBuffered?: number; render?: (events: readonly CartEventMessage[]) => Promise<(ExecutionResult | undefined)[]> } = {}) {
  const batches: number[][] = [];
  let ended = 0;
  const subscription = new CartSubscription('USER:u', {
    baseline: async () => ('baseline' in options ? options.baseline : { cartId: 'cart-1', version: 0 }),
    render:
      options.render ??
      (async (events) => {
        batches.push(events.map((e) => e.version));
        return events.map((e) => ({ data: { v: `${e.cartId}@${e.version}` } }));
      }),
    gapWaitMs: options.gapWaitMs ?? 50,
    maxBuffered: options.maxBuffered ?? 100,
    metrics: noMetrics,
    logger: createLogger('test', { level: 'silent' }),
    onEnd: () => void ended++,
  });
  return { subscription, batches, ended: () => ended };
}

async function take(subscription: CartSubscription, count: number): Promise<unknown[]> {
  const seen: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const { value, done } = await subscription.next();
    if (done) break;
    seen.push((value.data as { v: string }).v);
  }
  return seen;
}

describe('a device stream orders cart versions', () => {
  it('releases versions that arrive out of order in version order', async () => {
    const { subscription } = stream();
    await subscription.start();
    for (const v of [2, 3, 1, 5, 4]) subscription.offer(event(v));
    expect(await take(subscription, 5)).toEqual(['cart-1@1', 'cart-1@2', 'cart-1@3', 'cart-1@4', 'cart-1@5']);
  });

  it('drops duplicates and versions at or below the baseline', async () => {
    const { subscription } = stream({ baseline: { cartId: 'cart-1', version: 3 } });
    await subscription.start();
    for (const v of [2, 3, 4, 4, 3, 5]) subscription.offer(event(v));
    expect(await take(subscription, 2)).toEqual(['cart-1@4', 'cart-1@5']);
    await subscription.whenIdle();
  });

  it('holds events that arrive while the baseline is read, then releases the newer ones', async () => {
    let release!: (b: Baseline) => void;
    const slow = new CartSubscription('USER:u', {
      baseline: () => new Promise<Baseline>((resolve) => (release = resolve)),
      render: async (events) => events.map((e) => ({ data: { v: `${e.cartId}@${e.version}` } })),
      gapWaitMs: 50,
      maxBuffered: 100,
      metrics: noMetrics,
      logger: createLogger('test', { level: 'silent' }),
      onEnd: () => undefined,
    });
    const started = slow.start();
    slow.offer(event(7));
    slow.offer(event(6));
    expect(slow.live).toBe(false);
    release({ cartId: 'cart-1', version: 6 });
    await started;
    expect(slow.live).toBe(true);
    expect(await take(slow, 1)).toEqual(['cart-1@7']);
  });

  it('skips a version that never arrives after the gap wait, and drops it if it comes later', async () => {
    const { subscription } = stream({ gapWaitMs: 30 });
    await subscription.start();
    subscription.offer(event(1));
    subscription.offer(event(3));
    expect(await take(subscription, 2)).toEqual(['cart-1@1', 'cart-1@3']);
    subscription.offer(event(2));
    subscription.offer(event(4));
    expect(await take(subscription, 1)).toEqual(['cart-1@4']);
  });

  it('starts over at version 1 when the owner gets a new cart', async () => {
    const { subscription } = stream({ baseline: null });
    await subscription.start();
    subscription.offer(event(1, 'cart-a'));
    subscription.offer(event(2, 'cart-a'));
    subscription.offer(event(1, 'cart-b'));
    expect(await take(subscription, 3)).toEqual(['cart-a@1', 'cart-a@2', 'cart-b@1']);
  });

  it('anchors at the first event when the baseline could not be read', async () => {
    const { subscription } = stream({ baseline: undefined });
    await subscription.start();
    subscription.offer(event(9));
    subscription.offer(event(10));
    expect(await take(subscription, 2)).toEqual(['cart-1@9', 'cart-1@10']);
  });

  it('renders a run released together with one read', async () => {
    const { subscription, batches } = stream();
    await subscription.start();
    for (const v of [3, 2, 4]) subscription.offer(event(v));
    subscription.offer(event(1));
    await take(subscription, 4);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });
});

describe('a device stream ends', () => {
  it('completes after delivering what was released when the cart closes', async () => {
    const { subscription, ended } = stream();
    await subscription.start();
    subscription.offer(event(1));
    subscription.end();
    subscription.offer(event(2));
    expect(await take(subscription, 5)).toEqual(['cart-1@1']);
    expect(ended()).toBe(1);
  });

  it('ends at once on return(), even while a read is in flight', async () => {
    let unblock!: () => void;
    const { subscription, ended } = stream({ render: () => new Promise((resolve) => (unblock = () => resolve([{ data: { v: 'late' } }]))) });
    await subscription.start();
    subscription.offer(event(1));
    const pending = subscription.next();
    await subscription.return();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    unblock();
    await expect(subscription.next()).resolves.toEqual({ value: undefined, done: true });
    expect(ended()).toBe(1);
  });

  it('fails a device that does not read its updates', async () => {
    const { subscription, ended } = stream({ maxBuffered: 2 });
    await subscription.start();
    for (const v of [1, 2, 3]) subscription.offer(event(v));
    await subscription.whenIdle();
    await expect(subscription.next()).rejects.toThrow(/faster than this device read them/);
    expect(ended()).toBe(1);
  });
});
