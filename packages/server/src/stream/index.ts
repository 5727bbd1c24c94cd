/**
 * The event stream side of a subgraph: the NATS JetStream connection, the outbox relay that
 * feeds it and the durable consumers that read it. Imported as `@platform/server/stream`.
 */
import type { Logger } from '@platform/logger';
import { schedule, type ScheduledJob } from '../jobs.ts';
import type { Metrics } from '../metrics.ts';
import { EventStream, type StreamSettings } from './connection.ts';
import { runConsumer, type ConsumerSpec, type RunningConsumer } from './consumer.ts';
import { OutboxRelay, type OutboxSource, type RawTx, type RelayFaults } from './relay.ts';
import { tableOutbox } from './table-outbox.ts';

export * from './connection.ts';
export * from './consumer.ts';
export * from './relay.ts';
export * from './table-outbox.ts';
export * from './replay.ts';

/**
 * Runs one statement on a client at start-up, so its first real use (the relay's first pass, a
 * consumer's first event) does not pay for connecting and loading the query engine while
 * requests are being served. Never fails start-up: Postgres may come later.
 */
export async function warmUp(db: { $queryRawUnsafe(query: string): Promise<unknown> }): Promise<void> {
  await db.$queryRawUnsafe('SELECT 1').catch(() => undefined);
}

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

export interface SubgraphEventSettings extends StreamSettings {
  EVENTS_RELAY_INTERVAL_MS: number;
  EVENTS_RELAY_BATCH_SIZE: number;
  EVENTS_OUTBOX_RETENTION_HOURS: number;
  /** False: `consume` starts nothing on this instance (another runs the consumers). */
  EVENTS_CONSUMERS?: boolean;
  pgSchema: string;
}

interface RelayDb<TX> extends RawTx {
  $transaction<R>(fn: (tx: TX) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}

/**
 * Everything event-related one subgraph runs: its stream connection, the relay of its outbox
 * (`<schema>."OutboxEvent"`) on a schedule, and its consumers. `db` should be a client of its
 * own (a small pool), so background work never takes a request's connection.
 */
export function subgraphEvents<TX extends RawTx>(options: { name: string; config: SubgraphEventSettings; logger: Logger; metrics: Metrics; db: RelayDb<TX>; lockId: number; source?: OutboxSource<TX> }) {
  const { name, config, logger } = options;
  const stream = openEventStream(name, config, logger);
  const faults: RelayFaults = {};
  const relay = new OutboxRelay<TX>({
    name,
    db: options.db,
    source: options.source ?? tableOutbox<TX>(config.pgSchema),
    stream,
    lockId: options.lockId,
    batchSize: config.EVENTS_RELAY_BATCH_SIZE,
    logger,
    metrics: options.metrics,
    faults,
    retentionHours: config.EVENTS_OUTBOX_RETENTION_HOURS,
  });
  const consumers: RunningConsumer[] = [];
  const byName = new Map<string, RunningConsumer>();
  return {
    stream,
    relay,
    /** Fault injection for tests (see `RelayFaults`). */
    faults,
    job: relayJob(name, relay, stream, config.EVENTS_RELAY_INTERVAL_MS, logger),
    /** Starts a durable consumer; stopped by `close()`. Does nothing where EVENTS_CONSUMERS is off. */
    consume(spec: ConsumerSpec): void {
      if (config.EVENTS_CONSUMERS === false) {
        logger.info({ consumer: spec.durable }, 'EVENTS_CONSUMERS=false: this instance leaves the consumer to others');
        return;
      }
      const consumer = runConsumer(stream, spec, logger, options.metrics);
      consumers.push(consumer);
      byName.set(spec.durable, consumer);
    },
    /** Events behind the stream head for the consumer `durable` (tests wait for 0; `undefined` when unknown or the stream is away). */
    consumerLag(durable: string): Promise<number | undefined> {
      return byName.get(durable)?.lag() ?? Promise.resolve(undefined);
    },
    /** Resolves once the stream is reachable and every consumer subscribed, or after `timeoutMs` (tests start work after it). */
    async ready(timeoutMs = 15_000): Promise<boolean> {
      if (!stream.configured) return true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const up = Promise.all([stream.whenAvailable(), ...consumers.map((c) => c.ready)]).then(() => true);
      const result = await Promise.race([up, timeout]);
      clearTimeout(timer);
      return result;
    },
    /** For `/ready`: optional, the service serves without it. */
    readiness: { events: () => (stream.configured ? stream.ping() : Promise.resolve(true)) },
    /** Stops the consumers, then closes the connection. */
    async close(): Promise<void> {
      await Promise.all(consumers.map((c) => c.stop()));
      await stream.close();
    },
  };
}
export type SubgraphEvents = ReturnType<typeof subgraphEvents>;
