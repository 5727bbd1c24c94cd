/**
 * A durable JetStream consumer with explicit acks, run in the background of a subgraph: each
 * consumer reads the stream at its own pace and resumes where it acknowledged after a restart.
 * Handlers must be idempotent per event id (redelivery after a crash or a missed ack is normal).
 * A handler error naks the message with a growing delay; a message that is not an envelope this
 * code knows is terminated (logged once), never retried forever.
 */
import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JsMsg } from '@nats-io/jetstream';
import { parseEnvelope, type EventEnvelope } from '@platform/events';
import type { Logger } from '@platform/logger';
import type { Metrics } from '../metrics.ts';
import type { EventStream } from './connection.ts';

export interface ConsumerSpec {
  /** Durable name, unique per stream (e.g. `webhooks`, `cart-reminders`). */
  durable: string;
  /** Subject filter under the stream's prefix, e.g. `cart.abandoned` or `>` for everything. */
  filter: string;
  /** Handles one event; resolve to ack, throw to retry later. */
  handle(event: EventEnvelope, meta: { deliveryCount: number; streamSeq: number }): Promise<void>;
  /**
   * Handles the events that arrived while the previous batch was being handled, in stream order,
   * at once (one transaction, one read of shared state): resolve to ack them all. When it throws,
   * each event of the batch goes through `handle` on its own, so one bad event is retried alone.
   * Idle, batches hold one event and add no wait; under load they grow, up to `MAX_BATCH`.
   */
  handleBatch?(events: EventEnvelope[]): Promise<void>;
  /**
   * With `handleBatch`: how long a batch may gather after its first event before it is handled
   * (fewer, larger batches for a consumer nobody waits on). 0 or unset: handled at once.
   */
  lingerMs?: number;
  /** How long the server waits for an ack before redelivering. */
  ackWaitMs?: number;
}

export interface RunningConsumer {
  /** Resolves once the consumer is subscribed (never, while the stream is away). */
  ready: Promise<void>;
  /** Events behind the stream head: not yet delivered plus delivered and not yet acknowledged (`undefined` while the stream is away). */
  lag(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** How often the lag gauge is refreshed from the server while nothing is delivered. */
const LAG_POLL_MS = 5_000;
/** The most events one `handleBatch` call gets (and the read-ahead from the server). */
export const MAX_BATCH = 128;

/** The consumers' gauges and counters in `/metrics`: lag (events behind the stream head) and what was processed (its rate is the processing rate). */
function consumerMetrics(metrics: Metrics | undefined, durable: string) {
  const lag = metrics?.gauge('events_consumer_lag', 'Events behind the stream head per durable consumer (pending plus unacknowledged)', ['consumer']);
  const handled = metrics?.counter('events_consumed_total', 'Events handled per durable consumer, by result (ok, failed, dropped)', ['consumer', 'result']);
  const seconds = metrics?.histogram('events_consumer_handle_seconds', 'Time to handle one event, or one batch through its batch handler, per durable consumer', ['consumer'], [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]);
  return {
    lag: (n: number) => lag?.set({ consumer: durable }, n),
    handled: (result: 'ok' | 'failed' | 'dropped') => handled?.inc({ consumer: durable, result }),
    timer: () => seconds?.startTimer({ consumer: durable }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
/** Redelivery delay after the n-th failed attempt: 1 s, 2 s, 4 s ... up to a minute. */
const retryDelayMs = (deliveryCount: number) => Math.min(60_000, 1_000 * 2 ** Math.max(0, deliveryCount - 1));

/** Starts consuming (once the stream is available) until `stop()`. */
export function runConsumer(stream: EventStream, spec: ConsumerSpec, logger: Logger, metrics?: Metrics): RunningConsumer {
  if (!stream.configured) return { ready: Promise.resolve(), lag: async () => undefined, stop: async () => undefined };
  const observe = consumerMetrics(metrics, spec.durable);
  let stopping = false;
  let subscribed!: () => void;
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  let current: { stop(): void } | undefined;
  const config: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: `${stream.subjectPrefix}.${spec.filter}`,
    ack_wait: (spec.ackWaitMs ?? 30_000) * 1_000_000,
    max_deliver: -1,
    max_ack_pending: 1_000,
  };

  const session = async () => {
    const { js, jsm } = stream.clients();
    await jsm.consumers.add(stream.streamName, config).catch(async (error: unknown) => {
      // Same durable with an older configuration: bring it in line.
      if (!/already in use|exists/i.test(String((error as Error).message))) throw error;
      await jsm.consumers.update(stream.streamName, spec.durable, { ack_wait: config.ack_wait!, max_ack_pending: config.max_ack_pending!, filter_subject: config.filter_subject! });
    });
    const consumer = await js.consumers.get(stream.streamName, spec.durable);
    const messages = await consumer.consume({ max_messages: MAX_BATCH });
    current = messages;
    subscribed();
    if (stopping) messages.stop();
    // Messages arrive here while a batch is being handled; the next batch is all of them.
    let waiting: JsMsg[] = [];
    let draining: Promise<void> | undefined;
    const drain = async () => {
      while (waiting.length > 0) {
        if (spec.handleBatch && spec.lingerMs && waiting.length < MAX_BATCH && !stopping) await sleep(spec.lingerMs);
        const batch = waiting.splice(0, MAX_BATCH);
        await handleMessages(batch, () => waiting.length);
      }
      draining = undefined;
    };
    for await (const m of messages) {
      waiting.push(m);
      draining ??= drain();
      if (waiting.length >= MAX_BATCH) await draining;
    }
    await draining;
    waiting = [];
  };

  /** One message: handled, then acked; a failure naks it with a growing delay. */
  const handleOne = async (m: JsMsg, event: EventEnvelope) => {
    const done = observe.timer();
    try {
      await spec.handle(event, { deliveryCount: m.info.deliveryCount, streamSeq: m.seq });
      m.ack();
      observe.handled('ok');
    } catch (error) {
      logger.warn({ err: error, consumer: spec.durable, eventId: event.id, attempt: m.info.deliveryCount }, 'event handler failed; will retry');
      m.nak(retryDelayMs(m.info.deliveryCount));
      observe.handled('failed');
    }
    done?.();
  };

  /** A batch: through `handleBatch` when the spec has one, else (or when it fails) one by one; `buffered` counts what arrived meanwhile. */
  const handleMessages = async (batch: JsMsg[], buffered: () => number) => {
    const known: { m: JsMsg; event: EventEnvelope }[] = [];
    for (const m of batch) {
      const event = parseEnvelope(m.data);
      if (event) known.push({ m, event });
      else {
        logger.warn({ consumer: spec.durable, subject: m.subject, seq: m.seq }, 'not an event envelope this version knows; dropped');
        m.term('not a known event envelope');
        observe.handled('dropped');
      }
    }
    let handled = false;
    if (spec.handleBatch && known.length > 1) {
      const done = observe.timer();
      try {
        await spec.handleBatch(known.map((k) => k.event));
        for (const { m } of known) {
          m.ack();
          observe.handled('ok');
        }
        handled = true;
      } catch (error) {
        logger.warn({ err: error, consumer: spec.durable, events: known.length }, 'batch handler failed; handling its events one by one');
      }
      done?.();
    }
    if (!handled) for (const { m, event } of known) await handleOne(m, event);
    // What the server had left for this consumer when it delivered the last of them.
    const last = batch.at(-1);
    if (last) observe.lag(last.info.pending + buffered());
  };

  const lag = async (): Promise<number | undefined> => {
    try {
      const info = await stream.clients().jsm.consumers.info(stream.streamName, spec.durable);
      return info.num_pending + info.num_ack_pending;
    } catch {
      return undefined;
    }
  };
  // Between deliveries (idle, or a handler stuck on one event) the gauge comes from the server.
  const poll = setInterval(() => void lag().then((n) => n !== undefined && observe.lag(n)), LAG_POLL_MS);
  poll.unref();

  const loop = (async () => {
    while (!stopping) {
      await stream.whenAvailable();
      if (stopping) break;
      try {
        await session();
      } catch (error) {
        if (!stopping) stream.reportFailure(error);
      }
      if (!stopping) await sleep(500);
    }
  })();

  return {
    ready,
    lag,
    async stop() {
      stopping = true;
      clearInterval(poll);
      subscribed();
      current?.stop();
      await loop;
    },
  };
}
