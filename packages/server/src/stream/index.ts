/**
 * The event stream side of a subgraph: the NATS JetStream connection, the outbox relay that
 * feeds it and the durable consumers that read it. Imported as `@platform/server/stream`.
 */
import type { Logger } from '@platform/logger';
import { schedule, type ScheduledJob } from '../jobs.ts';
import { EventStream, type StreamSettings } from './connection.ts';
import type { OutboxRelay, RawTx } from './relay.ts';

export * from './connection.ts';
export * from './consumer.ts';
export * from './relay.ts';
export * from './table-outbox.ts';

/** Connects (in the background) to the configured stream; without `NATS_URL`, says once that events stay in the outbox. */
export function openEventStream(service: string, settings: StreamSettings, logger: Logger): EventStream {
  const stream = new EventStream(settings, logger, service);
  if (!stream.configured) logger.info('NATS_URL is not set: no event stream; events stay in the outbox and are published once one is configured');
  return stream.start();
}

/** The relay's schedule: every `intervalMs` while a stream is configured (none otherwise: the outbox keeps everything). */
export function relayJob<TX extends RawTx>(name: string, relay: OutboxRelay<TX>, stream: EventStream, intervalMs: number, logger: Logger): ScheduledJob {
  return schedule(`${name}-stream-relay`, stream.configured ? intervalMs : 0, () => relay.drain(), logger);
}
