/**
 * One device's `flashSaleTicket` stream. Bus messages only say that the ticket may have
 * changed; the stream then re-reads the subscriber's selection as its owner and delivers it
 * when it differs from the last payload. A status change (the ticket's own message, or the
 * sale selling out or ending) is read at once; a move of the queue is read at most once per
 * `intervalMs` (one second by contract), so a hundred thousand waiting shoppers cost each
 * gateway one read per subscriber per second at most, however fast admissions run.
 *
 * It is the AsyncIterator graphql-ws consumes: `return()` (client `complete` or socket close)
 * ends it at once.
 */
import type { ExecutionResult } from 'graphql';
import type { Logger } from '@platform/logger';
import { graphql } from '../graphql.ts';

export type TicketChange = 'status' | 'position';

export interface FlashTicketDeps {
  /** The subscriber's payload now; `undefined` when there is nothing to send (no ticket yet). */
  read(): Promise<ExecutionResult | undefined>;
  /** Least time between two deliveries caused by the queue moving. */
  intervalMs: number;
  /** Payloads buffered for a device that does not read them before the stream fails. */
  maxBuffered: number;
  onDelivery(outcome: 'delivered' | 'unchanged' | 'failed'): void;
  logger: Logger;
  /** Called once when the stream ends, however it ends. */
  onEnd(): void;
}

export class FlashTicketSubscription implements AsyncIterableIterator<ExecutionResult> {
  private done = false;
  /** True once the first read (the ticket as it is now) has been handed over or found empty. */
  live = false;
  private reading = false;
  /** What to read again once the read in flight is done. */
  private pending: TicketChange | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastPayload: string | undefined;
  private lastDeliveredAt = 0;
  private lastReadAt = 0;
  private readonly outbox: ExecutionResult[] = [];
  private failure: Error | undefined;
  private reader: { resolve: (r: IteratorResult<ExecutionResult>) => void; reject: (e: Error) => void } | undefined;

  constructor(
    readonly saleId: string,
    readonly userId: string,
    private readonly deps: FlashTicketDeps,
  ) {}

  /** Sends the ticket as it is now. */
  start(): void {
    void this.read();
  }

  /** The ticket may have changed: read it now (status) or within the interval (position). */
  offer(change: TicketChange): void {
    if (this.done) return;
    if (this.reading) {
      if (change === 'status' || this.pending === undefined) this.pending = change;
      return;
    }
    if (change === 'status') {
      clearTimeout(this.timer);
      this.timer = undefined;
      return void this.read();
    }
    if (this.timer) return;
    // Reads for the queue moving come at most once per interval, and so do their deliveries.
    const wait = Math.max(this.lastDeliveredAt, this.lastReadAt) + this.deps.intervalMs - Date.now();
    if (wait <= 0) return void this.read();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.read();
    }, wait);
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const result = this.outbox.shift();
    if (result) return Promise.resolve({ value: result, done: false });
    if (this.failure) return Promise.reject(this.failure);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
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

  private async read(): Promise<void> {
    if (this.done || this.reading) return;
    this.reading = true;
    this.lastReadAt = Date.now();
    try {
      const result = await this.deps.read();
      if (this.done) return;
      const payload = result && JSON.stringify(result);
      if (result && payload !== this.lastPayload) {
        this.lastPayload = payload;
        this.lastDeliveredAt = Date.now();
        this.deps.onDelivery('delivered');
        this.push(result);
      } else this.deps.onDelivery('unchanged');
    } catch (error) {
      this.deps.logger.warn({ err: error, saleId: this.saleId }, 'could not read a flash-sale ticket for its subscriber');
      this.deps.onDelivery('failed');
    } finally {
      this.reading = false;
      this.live = true;
    }
    const again = this.pending;
    this.pending = undefined;
    if (again) this.offer(again);
  }

  private push(result: ExecutionResult): void {
    const reader = this.reader;
    if (reader) {
      this.reader = undefined;
      return reader.resolve({ value: result, done: false });
    }
    this.outbox.push(result);
    if (this.outbox.length > this.deps.maxBuffered) {
      this.failure = new graphql.GraphQLError('Ticket updates arrived faster than this device read them; subscribe again.');
      this.outbox.length = 0;
      this.finish();
    }
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.failure) this.outbox.length = 0;
    if (this.reader) {
      if (this.failure) this.reader.reject(this.failure);
      else this.reader.resolve({ value: undefined, done: true });
      this.reader = undefined;
    }
    this.deps.onEnd();
  }
}
