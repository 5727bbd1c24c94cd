/**
 * The connection to the event stream (NATS JetStream). Nothing on a request path waits for it:
 * it connects in the background, reconnects forever, (re)creates the stream from configuration
 * after every (re)connect, and reports "unavailable" at once while it is down instead of
 * buffering, so callers (the outbox relays) keep their events in Postgres and retry. One warning
 * per outage, one line when it is back.
 */
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { allSubjects, subjectOf, type EventEnvelope } from '@platform/events';
import type { Logger } from '@platform/logger';
import { inProducerSpan } from '@platform/telemetry';

/** The stream settings every subgraph's configuration carries (`eventStreamShape` in `@platform/config`). */
export interface StreamSettings {
  NATS_URL?: string | undefined;
  EVENTS_STREAM: string;
  EVENTS_SUBJECT_PREFIX: string;
  EVENTS_MAX_AGE_HOURS: number;
  EVENTS_REPLICAS: number;
  EVENTS_DUPLICATE_WINDOW_SECONDS: number;
  EVENTS_PUBLISH_TIMEOUT_MS: number;
}

/** Thrown by `publish` (and met by consumers) while the stream is not reachable; the caller retries later. */
export class StreamUnavailable extends Error {
  constructor(reason = 'the event stream is not reachable') {
    super(reason);
    this.name = 'StreamUnavailable';
  }
}

const NANOS_PER_SECOND = 1_000_000_000;

export class EventStream {
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private jsmClient: JetStreamManager | undefined;
  private up = false;
  private closing = false;
  /** True from the first failure of an outage until the stream is back: one warning per outage. */
  private inOutage = false;
  private loop: Promise<void> | undefined;
  private readonly waiters = new Set<() => void>();
  /** Ends the connect loop's wait between attempts (on close). */
  private wake: (() => void) | undefined;

  constructor(
    readonly settings: StreamSettings,
    private readonly logger: Logger,
    /** The connection's name as the NATS server shows it (the service). */
    private readonly clientName: string,
  ) {}

  /** False when no `NATS_URL` is configured: nothing is published and events stay in the outbox. */
  get configured(): boolean {
    return Boolean(this.settings.NATS_URL);
  }

  /** True while connected and the stream exists. */
  get available(): boolean {
    return this.up;
  }

  get streamName(): string {
    return this.settings.EVENTS_STREAM;
  }

  get subjectPrefix(): string {
    return this.settings.EVENTS_SUBJECT_PREFIX;
  }

  /** Starts connecting in the background (a no-op when not configured). Never throws, never blocks. */
  start(): this {
    if (!this.configured || this.loop) return this;
    this.loop = this.connectLoop();
    return this;
  }

  /** Resolves once the stream is available (or the connection is closing); for consumers. */
  whenAvailable(): Promise<void> {
    if (this.up || this.closing) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  /** Publishes one event on `<prefix>.<type>` with `Nats-Msg-Id` = its id, so a replay within the duplicate window is dropped by the stream. */
  async publish(event: EventEnvelope, traceparent?: string | null): Promise<{ duplicate: boolean; seq: number }> {
    const js = this.js;
    if (!this.up || !js) throw new StreamUnavailable();
    const subject = subjectOf(this.subjectPrefix, event.type);
    try {
      // The request that wrote the event continues here: a producer span under its trace, named in the message's headers.
      const ack = await inProducerSpan(traceparent, `publish ${event.type}`, { 'messaging.system': 'nats', 'messaging.destination.name': subject, 'messaging.message.id': event.id }, (trace) => {
        const h = trace.traceparent ? headers() : undefined;
        for (const [name, value] of Object.entries(trace)) h?.set(name, value);
        return js.publish(subject, JSON.stringify(event), { msgID: event.id, timeout: this.settings.EVENTS_PUBLISH_TIMEOUT_MS, ...(h ? { headers: h } : {}) });
      });
      return { duplicate: ack.duplicate, seq: ack.seq };
    } catch (error) {
      this.reportFailure(error);
      throw new StreamUnavailable(error instanceof Error ? error.message : String(error));
    }
  }

  /** The JetStream client and manager, for consumers; StreamUnavailable while down. */
  clients(): { js: JetStreamClient; jsm: JetStreamManager } {
    if (!this.up || !this.js || !this.jsmClient) throw new StreamUnavailable();
    return { js: this.js, jsm: this.jsmClient };
  }

  /** Logs the start of an outage once (later failures of the same outage stay quiet). */
  reportFailure(error: unknown): void {
    if (this.inOutage || this.closing) return;
    this.inOutage = true;
    this.logger.warn({ err: error instanceof Error ? { message: error.message } : String(error), stream: this.streamName }, 'event stream unavailable: events stay in the outbox and are published when it is back');
  }

  /** For readiness: `up` or not (an optional check: the service keeps serving without it). */
  async ping(): Promise<boolean> {
    if (!this.up || !this.nc) return false;
    try {
      await this.nc.flush();
      return true;
    } catch {
      return false;
    }
  }

  /** Stops reconnecting and closes the connection (after the relays and consumers have stopped). */
  async close(): Promise<void> {
    this.closing = true;
    const wasUp = this.up;
    this.up = false;
    this.release();
    this.wake?.();
    const nc = this.nc;
    if (nc && !nc.isClosed()) {
      // Drain flushes what is in flight; with the server away there is nothing to flush, and waiting would only hang.
      if (wasUp) await Promise.race([nc.drain().catch(() => undefined), this.pause(2_000)]);
      if (!nc.isClosed()) await nc.close().catch(() => undefined);
    }
    await this.loop;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private release(): void {
    for (const resolve of this.waiters) resolve();
    this.waiters.clear();
  }

  private markUp(): void {
    this.up = true;
    if (this.inOutage) this.logger.info({ stream: this.streamName }, 'event stream is back: publishing the backlog');
    this.inOutage = false;
    this.release();
  }

  private markDown(error: unknown): void {
    this.up = false;
    this.reportFailure(error);
  }

  /** Connects (retrying with backoff while the server is away), then lets the client reconnect by itself; starts over if it ever closes. */
  private async connectLoop(): Promise<void> {
    let delay = 250;
    while (!this.closing) {
      let nc: NatsConnection | undefined;
      try {
        nc = await connect({ servers: this.settings.NATS_URL!.split(','), name: this.clientName, timeout: 2_000, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 500, pingInterval: 5_000, maxPingOut: 2 });
        if (this.closing) {
          await nc.close();
          return;
        }
        this.nc = nc;
        this.js = jetstream(nc, { timeout: this.settings.EVENTS_PUBLISH_TIMEOUT_MS });
        this.jsmClient = await jetstreamManager(nc, { timeout: this.settings.EVENTS_PUBLISH_TIMEOUT_MS });
        await this.ensureStream();
        this.markUp();
        delay = 250;
        void this.watch(nc);
        await nc.closed();
        this.up = false;
      } catch (error) {
        this.markDown(error);
        if (nc && !nc.isClosed()) await nc.close().catch(() => undefined);
        if (!this.closing) await this.pause(delay);
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  /** Follows the client's reconnects: down on disconnect, stream ensured again on reconnect (the server may have lost it). */
  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.closing) return;
      if (status.type === 'disconnect') this.markDown(new Error(`disconnected from ${status.server}`));
      if (status.type === 'reconnect') {
        try {
          await this.ensureStream();
          this.markUp();
        } catch (error) {
          this.markDown(error);
          // Try again on the next reconnect, or force one: a stream that cannot be made is an outage too.
          setTimeout(() => void nc.reconnect().catch(() => undefined), 1_000).unref();
        }
      }
    }
  }

  /** Creates the stream, or brings its subjects, retention, replicas and duplicate window in line with configuration. */
  private async ensureStream(): Promise<void> {
    const jsm = this.jsmClient!;
    const s = this.settings;
    const config: Partial<StreamConfig> & { name: string } = {
      name: s.EVENTS_STREAM,
      subjects: [allSubjects(s.EVENTS_SUBJECT_PREFIX)],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: s.EVENTS_MAX_AGE_HOURS * 3600 * NANOS_PER_SECOND,
      num_replicas: s.EVENTS_REPLICAS,
      // The window may not exceed the retention.
      duplicate_window: Math.min(s.EVENTS_DUPLICATE_WINDOW_SECONDS, s.EVENTS_MAX_AGE_HOURS * 3600) * NANOS_PER_SECOND,
    };
    for (let attempt = 0; ; attempt += 1) {
      try {
        const info = await jsm.streams.info(config.name).catch((error: unknown) => {
          if (isNotFound(error)) return undefined;
          throw error;
        });
        if (!info) {
          await jsm.streams.add(config);
          return;
        }
        const current = info.config;
        const same = current.subjects?.join(',') === config.subjects!.join(',') && current.max_age === config.max_age && current.duplicate_window === config.duplicate_window && current.num_replicas === config.num_replicas;
        if (!same) await jsm.streams.update(config.name, { subjects: config.subjects!, max_age: config.max_age!, duplicate_window: config.duplicate_window!, num_replicas: config.num_replicas! });
        return;
      } catch (error) {
        // Another service created it a moment ago: look again.
        if (attempt < 2 && /already in use/i.test(String((error as Error).message))) continue;
        throw error;
      }
    }
  }
}

const isNotFound = (error: unknown): boolean => /not found/i.test(String((error as Error)?.message ?? error));
