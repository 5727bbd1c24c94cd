/**
 * Event-stream helpers for end-to-end tests: read a stack's stream as a consumer would, validate
 * envelopes against the committed JSON Schema, run a NATS server of the test's own (to stop and
 * start it without touching the shared one), and clean a stack's stream up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseEnvelope, type EventEnvelope } from '@platform/events';
import { waitUntil } from '@platform/testing';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface StackEvents {
  natsUrl: string;
  stream: string;
  prefix: string;
}

/** Deletes a stack's stream (and so its consumers) from the NATS server. */
export async function deleteStream(events: StackEvents): Promise<void> {
  const nc = await connect({ servers: events.natsUrl, timeout: 2_000, reconnect: false });
  try {
    await (await jetstreamManager(nc)).streams.delete(events.stream);
  } finally {
    await nc.close();
  }
}

export interface ReceivedEvent {
  seq: number;
  subject: string;
  /** The `Nats-Msg-Id` header the relay set. */
  msgId: string | undefined;
  /** The raw JSON body. */
  json: unknown;
  /** The body parsed as an envelope (undefined when it is not one). */
  event: EventEnvelope | undefined;
  /** When this reader got it (ms since epoch). */
  receivedAt: number;
}

export interface StreamReader {
  received: ReceivedEvent[];
  /** Every envelope so far. */
  events(): EventEnvelope[];
  /** Waits until `check` holds for what was received (default 10 s). */
  waitFor(check: (events: EventEnvelope[]) => boolean, what: string, timeoutMs?: number): Promise<EventEnvelope[]>;
  close(): Promise<void>;
}

/** Reads the stack's stream from its start (or only what arrives from now on) with an ordered (ephemeral) consumer, as an analytics consumer would. */
export async function readStream(events: StackEvents, from: 'start' | 'new' = 'start'): Promise<StreamReader> {
  const nc: NatsConnection = await connect({ servers: events.natsUrl, timeout: 2_000 });
  const js = jetstream(nc);
  const received: ReceivedEvent[] = [];
  // The stream appears when the first subgraph connects; wait for it rather than race it.
  const jsm = await jetstreamManager(nc);
  await waitUntil(() => jsm.streams.info(events.stream).then(() => true, () => false), `stream ${events.stream} to exist`, 10_000, 100);
  const consumer = await js.consumers.get(events.stream, from === 'new' ? { deliver_policy: DeliverPolicy.New } : {});
  const messages = await consumer.consume();
  const loop = (async () => {
    for await (const m of messages) {
      let json: unknown;
      try {
        json = JSON.parse(m.string());
      } catch {
        json = m.string();
      }
      received.push({ seq: m.seq, subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), json, event: parseEnvelope(m.data), receivedAt: Date.now() });
    }
  })();
  const envelopes = () => received.flatMap((r) => (r.event ? [r.event] : []));
  return {
    received,
    events: envelopes,
    async waitFor(check, what, timeoutMs = 10_000) {
      await waitUntil(() => check(envelopes()), () => `${what}; received ${JSON.stringify(envelopes().map((e) => e.type))}`, timeoutMs, 25);
      return envelopes();
    },
    async close() {
      messages.stop();
      await loop.catch(() => undefined);
      await nc.close();
    },
  };
}

let validator: ((value: unknown) => boolean) & { errors?: unknown } | undefined;

/** Validates a message body against `schema/events.schema.json`; returns the validator's errors (empty when valid). */
export function schemaErrors(json: unknown): unknown[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema/events.schema.json'), 'utf8')) as object;
    // Formats are spelled out as patterns in the schema, so format assertions add nothing.
    validator = new Ajv2020({ strict: false, validateFormats: false, allErrors: true }).compile(schema);
  }
  return validator(json) ? [] : ((validator.errors as unknown[]) ?? ['invalid']);
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

export interface OwnNatsServer {
  url: string;
  /** Kills the server (SIGKILL: a crash, not a drain). */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same store, so streams survive. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A `nats-server -js` of this test alone (own port, own store folder), to take down and bring back without touching the shared server. */
export async function startOwnNatsServer(binary = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server'): Promise<OwnNatsServer> {
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'cp-nats-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], { stdio: 'ignore' });
    await waitUntil(() => portOpen(port), `nats-server on port ${port}`, 10_000, 50);
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    kill,
    start,
    async close() {
      await kill();
      rmSync(store, { recursive: true, force: true });
    },
  };
}
