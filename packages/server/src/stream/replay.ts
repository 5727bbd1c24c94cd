/**
 * Replays the stream from its first retained event, in stream order, through a handler: what a
 * backfill does to rebuild a consumer's tables. An ordered (ephemeral) consumer reads up to the
 * stream's last sequence at the start of the replay; events arriving later are left to the
 * durable consumer, which dedupes on event ids like the handler must.
 */
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { parseEnvelope, type EventEnvelope } from '@platform/events';
import type { StreamSettings } from './connection.ts';

export interface ReplayReport {
  /** Events read (every type). */
  read: number;
  /** Messages that were not envelopes this code knows (skipped). */
  skipped: number;
  /** The last stream sequence replayed. */
  lastSeq: number;
}

/** Feeds every retained event to `handle`, one at a time, oldest first. */
export async function replayStream(settings: StreamSettings, handle: (event: EventEnvelope) => Promise<unknown>): Promise<ReplayReport> {
  if (!settings.NATS_URL) throw new Error('NATS_URL is not set: there is no stream to replay');
  const nc = await connect({ servers: settings.NATS_URL.split(','), timeout: 5_000, name: 'replay' });
  const report: ReplayReport = { read: 0, skipped: 0, lastSeq: 0 };
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(settings.EVENTS_STREAM);
    const last = info.state.last_seq;
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
