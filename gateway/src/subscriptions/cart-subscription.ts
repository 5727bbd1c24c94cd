/**
 * One device's `cartUpdated` stream. Cart events can reach Redis twice (the outbox relay resends)
 * or out of order (publishing happens after commit, outside the cart's lock), so each stream
 * keeps its own cursor: the cart and the last version released to it. Older or repeated versions
 * are dropped; a version that arrives early waits (briefly) for the ones before it; released
 * versions are rendered by one serial worker, so payloads leave strictly in version order, each
 * version once. A run of versions released together shares one cart read.
 *
 * It is the AsyncIterator graphql-ws consumes: `return()` (client `complete` or socket close)
 * ends it at once, even while a read is in flight.
 */
import type { ExecutionResult } from 'graphql';
import type { Logger } from '@platform/logger';
import type { Baseline } from './cart-reader.ts';
import { graphql } from '../graphql.ts';
import type { CartEventMessage } from './messages.ts';
import type { SubscriptionMetrics } from './metrics.ts';

export interface CartSubscriptionDeps {
  /** The owner's cart version now: the stream delivers only what comes after it. */
  baseline(): Promise<Baseline | undefined>;
  /** Payloads for a run of consecutive events (`undefined` where there is nothing to send). */
  render(events: readonly CartEventMessage[]): Promise<readonly (ExecutionResult | undefined)[]>;
  /** How long an early version waits for a missing one before the gap is skipped. */
  gapWaitMs: number;
  /** Payloads buffered for a device that does not read them before the stream fails. */
  maxBuffered: number;
  metrics: SubscriptionMetrics;
  logger: Logger;
  /** Called once when the stream ends, however it ends. */
  onEnd(): void;
}

type Phase = 'starting' | 'live' | 'ending' | 'done';

interface Delivery {
  result: ExecutionResult;
  committedAt: string;
}

export class CartSubscription implements AsyncIterableIterator<ExecutionResult> {
  private phase: Phase = 'starting';
  /** Events that arrived while the baseline was being read. */
  private early: CartEventMessage[] = [];
  private cartId: string | undefined;
  /** Last version released; `undefined` until known (the first event anchors it if the baseline could not be read). */
  private last: number | undefined;
  private readonly held = new Map<number, CartEventMessage>();
  private gapTimer: NodeJS.Timeout | undefined;
  private readonly runnable: CartEventMessage[] = [];
  private readonly outbox: Delivery[] = [];
  private working = false;
  private failure: Error | undefined;
  private reader: { resolve: (r: IteratorResult<ExecutionResult>) => void; reject: (e: Error) => void } | undefined;
  private idleWaiters: (() => void)[] = [];
  private ended = false;

  constructor(
    readonly ownerKey: string,
    private readonly deps: CartSubscriptionDeps,
  ) {}

  /** True once the baseline is known and events flow to the device. */
  get live(): boolean {
    return this.phase === 'live';
  }

  /** Reads the baseline, then releases whatever arrived meanwhile. */
  async start(): Promise<void> {
    const baseline = await this.deps.baseline().catch(() => undefined);
    if (this.phase !== 'starting') return;
    this.phase = 'live';
    if (baseline !== undefined) {
      this.cartId = baseline?.cartId;
      this.last = baseline?.version ?? 0;
    }
    const early = this.early.sort((a, b) => a.version - b.version);
    this.early = [];
    for (const event of early) this.offer(event);
    this.notifyIdle();
  }

  /** Takes one event of this owner's cart. */
  offer(event: CartEventMessage): void {
    if (this.phase === 'starting') return void this.early.push(event);
    if (this.phase !== 'live') return;
    if (event.cartId !== this.cartId) {
      if (this.cartId === undefined) {
        // The owner had no cart at the baseline (last = 0), or the baseline could not be read:
        // then this first event anchors the cursor.
        this.last ??= event.version - 1;
      } else {
        // The old cart was deleted (expired or merged away) and a new one began at version 1.
        this.clearHeld();
        this.last = 0;
      }
      this.cartId = event.cartId;
    }
    const last = this.last ?? 0;
    if (event.version <= last || this.held.has(event.version)) return this.deps.metrics.delivery('stale');
    this.held.set(event.version, event);
    this.release();
  }

  /** Ends the stream cleanly once what is already released has been delivered (the cart closed). */
  end(): void {
    if (this.phase === 'done' || this.phase === 'ending') return;
    this.phase = 'ending';
    this.clearHeld();
    this.settle();
  }

  /** Resolves when nothing is waiting to be rendered or read by the device. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const delivery = this.outbox.shift();
    if (delivery) {
      this.deps.metrics.delivery('delivered', delivery.committedAt);
      this.notifyIdle();
      return Promise.resolve({ value: delivery.result, done: false });
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.phase === 'done') return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.reader = { resolve, reject }));
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(): Promise<IteratorResult<ExecutionResult>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Moves consecutive versions to the worker; a gap waits `gapWaitMs`, then is skipped. */
  private release(): void {
    for (let next = this.held.get(this.last! + 1); next; next = this.held.get(this.last! + 1)) {
      this.held.delete(next.version);
      this.last = next.version;
      this.runnable.push(next);
    }
    if (this.held.size === 0) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    } else if (!this.gapTimer) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = undefined;
        if (this.held.size === 0) return;
        this.last = Math.min(...this.held.keys()) - 1;
        this.release();
      }, this.deps.gapWaitMs);
    }
    if (this.runnable.length) void this.work();
  }

  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (this.runnable.length && (this.phase === 'live' || this.phase === 'ending')) {
        const batch = this.runnable.splice(0);
        let results: readonly (ExecutionResult | undefined)[];
        try {
          results = await this.deps.render(batch);
        } catch (error) {
          this.deps.logger.warn({ err: error, owner: this.ownerKey }, 'could not render cart updates');
          for (let i = 0; i < batch.length; i++) this.deps.metrics.delivery('failed');
          continue;
        }
        // `return()` may have ended the stream while the read was in flight.
        if (this.isDone()) return;
        results.forEach((result, i) => (result ? this.push({ result, committedAt: batch[i]!.at }) : this.deps.metrics.delivery('skipped')));
      }
    } finally {
      this.working = false;
      this.settle();
    }
  }

  private push(delivery: Delivery): void {
    if (this.phase === 'done') return;
    const reader = this.reader;
    if (reader) {
      this.reader = undefined;
      this.deps.metrics.delivery('delivered', delivery.committedAt);
      return reader.resolve({ value: delivery.result, done: false });
    }
    this.outbox.push(delivery);
    if (this.outbox.length > this.deps.maxBuffered) {
      for (let i = 0; i < this.outbox.length; i++) this.deps.metrics.delivery('overflow');
      this.fail(new graphql.GraphQLError('Cart updates arrived faster than this device read them; subscribe again and catch up with cartEvents.'));
    }
  }

  /** Finishes an ending stream once its last released version has been handed over. */
  private settle(): void {
    if (this.phase === 'ending' && !this.working && this.runnable.length === 0) {
      this.phase = 'done';
      this.stopListening();
      if (this.reader && this.outbox.length === 0) {
        this.reader.resolve({ value: undefined, done: true });
        this.reader = undefined;
      }
    }
    this.notifyIdle();
  }

  private fail(error: Error): void {
    this.failure = error;
    this.outbox.length = 0;
    this.finish();
    if (this.reader) {
      this.reader.reject(error);
      this.reader = undefined;
    }
  }

  /** Ends immediately: nothing more is rendered or handed out. */
  private finish(): void {
    this.phase = 'done';
    this.clearHeld();
    this.early = [];
    this.runnable.length = 0;
    if (!this.failure) this.outbox.length = 0;
    this.stopListening();
    if (this.reader && !this.failure) {
      this.reader.resolve({ value: undefined, done: true });
      this.reader = undefined;
    }
    this.notifyIdle();
  }

  private stopListening(): void {
    if (this.ended) return;
    this.ended = true;
    this.deps.onEnd();
  }

  private clearHeld(): void {
    this.held.clear();
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }

  private isDone(): boolean {
    return this.phase === 'done';
  }

  private isIdle(): boolean {
    return !this.working && this.runnable.length === 0 && this.outbox.length === 0 && this.held.size === 0 && this.early.length === 0;
  }

  private notifyIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
