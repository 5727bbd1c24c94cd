/**
 * The outbox relay: publishes committed outbox rows to the event stream, exactly once per event
 * id and in order per key (a cart, an order, a product), and survives crashes.
 *
 * - Source of truth: the outbox rows, written in the transaction of the change they record. A
 *   row carries its own "streamed" marker, so nothing depends on ids committing in order.
 * - One relay per subgraph at a time (a Postgres advisory lock held by the pass's transaction);
 *   the markers are set in that transaction, after the stream has acknowledged each event.
 * - A crash after publishing and before the commit leaves the markers unset: the next pass
 *   publishes the same events again under the same `Nats-Msg-Id`, and the stream drops them as
 *   duplicates (its duplicate window is configured well above a pass). Nothing twice, nothing lost.
 * - Order: rows come oldest first; a key's events go out one after another (the first unsent of
 *   every key together, then the second, ...), and a key whose event failed stops for this pass,
 *   so a later event of a key never overtakes an earlier one.
 */
import type { EventEnvelope } from '@platform/events';
import type { Logger } from '@platform/logger';
import type { Metrics } from '../metrics.ts';
import { StreamUnavailable, type EventStream } from './connection.ts';

/** One committed, not yet streamed outbox row. */
export interface OutboxRow {
  /** Position in the subgraph's outbox (ascending = older). */
  seq: bigint;
  /** Ordering key: events with one key are published in `seq` order. */
  key: string;
  event: EventEnvelope;
  /** W3C trace context of the request that wrote the row (continued in the message headers), if it was traced. */
  traceparent?: string | null;
}

/** The raw-SQL surface of a Prisma transaction the sources need. */
export interface RawTx {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** Where a relay reads its rows and records what it sent (one per outbox-owning subgraph). */
export interface OutboxSource<TX> {
  /** Up to `limit` unstreamed rows, oldest first. */
  due(tx: TX, limit: number): Promise<OutboxRow[]>;
  /** Records rows as streamed. */
  markStreamed(tx: TX, rows: readonly OutboxRow[], at: Date): Promise<void>;
  /** Deletes rows streamed before `before` (the stream keeps them); how many. */
  prune?(tx: TX, before: Date): Promise<number>;
  /** One cheap statement outside any transaction: is anything waiting? (An idle relay costs only this.) */
  anyDue?(db: RawTx): Promise<boolean>;
}

interface TransactionalClient<TX> extends RawTx {
  $transaction<R>(fn: (tx: TX) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}

/** Fault injection for tests: called after each acknowledged publish; throwing `RelayHalted` stops the pass as a killed process would (nothing marked). */
export interface RelayFaults {
  afterPublish?: (row: OutboxRow, index: number) => void;
}

export class RelayHalted extends Error {
  constructor() {
    super('relay halted');
    this.name = 'RelayHalted';
  }
}

export interface RelayReport {
  /** Events the stream stored for the first time. */
  published: number;
  /** Events the stream already had (a replay after a crash). */
  duplicates: number;
  /** Rows left for a later pass because the stream was unavailable. */
  deferred: number;
}

export interface RelayOptions<TX> {
  /** The subgraph, for logs and metrics. */
  name: string;
  db: TransactionalClient<TX>;
  source: OutboxSource<TX>;
  stream: EventStream;
  lockId: number;
  batchSize: number;
  logger: Logger;
  metrics: Metrics;
  clock?: () => Date;
  faults?: RelayFaults;
  /** Streamed rows older than this are pruned (about every ten minutes). */
  retentionHours?: number;
}

const PRUNE_EVERY_MS = 10 * 60_000;

export class OutboxRelay<TX extends RawTx> {
  private readonly published;
  private readonly lag;
  private readonly failures;
  private lastPrune = 0;

  constructor(private readonly options: RelayOptions<TX>) {
    const { metrics } = options;
    this.published = metrics.counter('events_relayed_total', 'Outbox events sent to the event stream, by event type and result (published, duplicate)', ['type', 'result']);
    this.lag = metrics.gauge('events_relay_lag_seconds', 'Age of the oldest outbox event not yet on the stream (0 when none is waiting)');
    this.failures = metrics.counter('events_relay_failures_total', 'Relay passes that stopped early because the stream was unavailable');
  }

  /** Publishes everything due, batch after batch, until the outbox is drained or the stream fails; never throws for an outage. */
  async drain(): Promise<RelayReport> {
    const total: RelayReport = { published: 0, duplicates: 0, deferred: 0 };
    if (!this.options.stream.available) {
      this.failures.inc();
      return total;
    }
    const { source, db } = this.options;
    if (source.anyDue && !(await source.anyDue(db))) {
      this.lag.set(0);
      await this.pruneNow();
      return total;
    }
    for (;;) {
      const pass = await this.pass();
      if (!pass) break; // another replica is relaying
      total.published += pass.report.published;
      total.duplicates += pass.report.duplicates;
      total.deferred += pass.report.deferred;
      if (pass.report.deferred > 0 || pass.fetched < this.options.batchSize) break;
    }
    await this.pruneNow();
    return total;
  }

  private async pruneNow(): Promise<void> {
    const { source, retentionHours, db } = this.options;
    if (!source.prune || !retentionHours || Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    const before = new Date(Date.now() - retentionHours * 3_600_000);
    await db.$transaction((tx) => source.prune!(tx, before));
  }

  /** One batch under the advisory lock; null when another relay holds it. */
  private async pass(): Promise<{ fetched: number; report: RelayReport } | null> {
    const { db, source, lockId, batchSize } = this.options;
    return db.$transaction(
      async (tx) => {
        const [lock] = await tx.$queryRawUnsafe<{ locked: boolean }[]>('SELECT pg_try_advisory_xact_lock($1::bigint) AS locked', lockId);
        if (!lock?.locked) return null;
        const rows = await source.due(tx, batchSize);
        const now = (this.options.clock ?? (() => new Date()))();
        const { sent, report } = await this.publishInOrder(rows);
        if (sent.length) await source.markStreamed(tx, sent, new Date());
        const waiting = rows.filter((r) => !sent.includes(r));
        this.lag.set(waiting.length ? Math.max(0, (now.getTime() - Date.parse(waiting[0]!.event.occurredAt)) / 1000) : 0);
        return { fetched: rows.length, report };
      },
      { maxWait: 5_000, timeout: 60_000 },
    );
  }

  /** Publishes rows in waves (the next unsent event of every key at once); a key that fails is held back for the rest of the pass. */
  private async publishInOrder(rows: readonly OutboxRow[]): Promise<{ sent: OutboxRow[]; report: RelayReport }> {
    const queues = new Map<string, OutboxRow[]>();
    for (const row of rows) queues.set(row.key, [...(queues.get(row.key) ?? []), row]);
    const sent: OutboxRow[] = [];
    const report: RelayReport = { published: 0, duplicates: 0, deferred: 0 };
    let index = 0;
    let failed = false;
    while (queues.size && !failed) {
      const wave = [...queues.values()].map((queue) => queue[0]!);
      const results = await Promise.allSettled(wave.map((row) => this.options.stream.publish(row.event, row.traceparent)));
      for (const [i, result] of results.entries()) {
        const row = wave[i]!;
        if (result.status === 'rejected') {
          if (!(result.reason instanceof StreamUnavailable)) this.options.logger.error({ err: result.reason, eventId: row.event.id }, 'event could not be published');
          failed = true;
          queues.delete(row.key);
          continue;
        }
        sent.push(row);
        this.published.inc({ type: row.event.type, result: result.value.duplicate ? 'duplicate' : 'published' });
        if (result.value.duplicate) report.duplicates += 1;
        else report.published += 1;
        this.options.faults?.afterPublish?.(row, index++);
        const queue = queues.get(row.key)!;
        queue.shift();
        if (!queue.length) queues.delete(row.key);
      }
    }
    if (failed) this.failures.inc();
    report.deferred = rows.length - sent.length;
    // Marked in outbox order, whatever order the acks came back in.
    sent.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    return { sent, report };
  }
}
