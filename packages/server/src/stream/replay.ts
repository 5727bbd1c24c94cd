/**
 * Replays the stream from its first retained event, in stream order, through a handler: what a
 * backfill does to rebuild a consumer's tables. An ordered (ephemeral) consumer reads up to the
 * stream's last sequence at the start of the replay; events arriving later are left to the
 * durable consumer, which dedupes on event ids like the handler must.
 */
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { parseEnvelope, type EventEnvelope } from '@platform/events';
import type { Sql } from '../sql.ts';
import type { StreamSettings } from './connection.ts';

/**
 * Empties a consumer's tables before a replay. The live consumer may be writing them: TRUNCATE
 * waits at most a few seconds for its locks and is tried again when Postgres gives up on it (a
 * lock timeout, or a deadlock with the consumer's transaction), which then simply retries too.
 */
export async function emptyTables(sql: Sql, tables: readonly string[], attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await sql.transaction(async (tx) => {
        await tx.query(`SET LOCAL lock_timeout = '5s'`);
        await tx.query(`TRUNCATE ${tables.join(', ')}`);
      });
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= attempts || (code !== '40P01' && code !== '55P03')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

export interface ReplayReport {
  /** Events read (every type). */
  read: number;
  /** Messages that were not envelopes this code knows (skipped). */
  skipped: number;
  /** The last stream sequence replayed. */
  lastSeq: number;
}

/**
 * Feeds every retained event to `handle`, one at a time, oldest first. `prepare` (emptying the
 * tables) runs only once the stream is known to be reachable, so a misconfigured run wipes nothing.
 */
export async function replayStream(settings: StreamSettings, handle: (event: EventEnvelope) => Promise<unknown>, prepare: () => Promise<void> = async () => undefined): Promise<ReplayReport> {
  if (!settings.NATS_URL) throw new Error('NATS_URL is not set: there is no stream to replay');
  const nc = await connect({ servers: settings.NATS_URL.split(','), timeout: 5_000, name: 'replay' });
  const report: ReplayReport = { read: 0, skipped: 0, lastSeq: 0 };
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(settings.EVENTS_STREAM);
    const last = info.state.last_seq;
    await prepare();
    if (info.state.messages === 0) return report;
    const consumer = await jetstream(nc).consumers.get(settings.EVENTS_STREAM, { deliver_policy: DeliverPolicy.All });
    const messages = await consumer.consume();
    for await (const m of messages) {
      const event = parseEnvelope(m.data);
      if (event) {
        await handle(event);
        report.read += 1;
      } else report.skipped += 1;
      report.lastSeq = m.seq;
      if (m.seq >= last) break;
    }
    messages.stop();
    return report;
  } finally {
    await nc.close();
  }
}
