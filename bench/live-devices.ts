/**
 * A fleet of live-sync devices, its own process: one graphql-ws client (its own WebSocket) per
 * owner, each subscribed to `cartUpdated`; on `go`, one addCartLine per owner over HTTP. For
 * each owner it times the device receiving the version its mutation produced against the
 * mutation's response (both clocks in this process), and counts what never arrived or arrived
 * out of order. Input: `LiveInput`; answers `connected`, then `result` (`LiveResult`).
 */
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { commands, reply } from './child.ts';

export interface LiveInput {
  origin: string;
  tokens: string[];
  productIds: string[];
  subscription: string;
  mutation: string;
  /** Mutations in flight at once from this process. */
  concurrency: number;
  /** How long to wait for the last deliveries after the last mutation answered. */
  waitMs: number;
}

export interface LiveResult {
  type: 'result';
  devices: number;
  changes: number;
  mutationErrors: number;
  mutationLatenciesMs: number[];
  /** Per delivered change: receipt minus the mutation's response, ms (0 when it came first). */
  delaysMs: number[];
  /** Deliveries that arrived before the mutation's HTTP response. */
  early: number;
  missing: number;
  outOfOrder: number;
  /** Epoch ms: first mutation sent, last wanted delivery received. */
  startedAt: number;
  lastReceiptAt: number;
}

const WAVE = 100;
const now = () => performance.timeOrigin + performance.now(); // epoch ms, sub-millisecond

/** What one device has seen. */
interface Seen {
  /** version -> epoch ms of receipt */
  received: Map<number, number>;
  last: number;
  outOfOrder: number;
}

interface Device {
  client: Client;
  seen: Seen;
}

function connect(input: LiveInput, token: string): Promise<Device> {
  const seen: Seen = { received: new Map(), last: 0, outOfOrder: 0 };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connection_ack within 60 s')), 60_000);
    const client: Client = createClient({
      url: `${input.origin.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: (error) => (clearTimeout(timer), reject(error instanceof Error ? error : new Error('connection closed before connection_ack'))),
      on: {
        connected: () => {
          clearTimeout(timer);
          resolve({ client, seen });
        },
      },
    });
    client.subscribe<{ cartUpdated: { version: number } }>(
      { query: input.subscription },
      {
        next: (result) => {
          const version = result.data?.cartUpdated.version;
          if (version === undefined) return;
          if (version <= seen.last) seen.outOfOrder += 1;
          seen.last = Math.max(seen.last, version);
          if (!seen.received.has(version)) seen.received.set(version, now());
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
  });
}

async function main(): Promise<void> {
  const input = commands();
  const first = await input.next();
  if (first.done) throw new Error('no live input on stdin');
  const spec = first.value as LiveInput;
  const connectStarted = performance.now();
  const devices: Device[] = [];
  let failed = 0;
  for (let start = 0; start < spec.tokens.length; start += WAVE) {
    const wave = await Promise.allSettled(spec.tokens.slice(start, start + WAVE).map((t) => connect(spec, t)));
    wave.forEach((r, k) => (r.status === 'fulfilled' ? (devices[start + k] = r.value) : (failed += 1)));
  }
  reply({ type: 'connected', devices: devices.filter(Boolean).length, failed, seconds: (performance.now() - connectStarted) / 1000 });
  if ((await input.next()).done) return;

  const pool = new Pool(spec.origin, { connections: spec.concurrency, pipelining: 1 });
  const responded: (number | undefined)[] = [];
  const versions: (number | undefined)[] = [];
  const mutationLatenciesMs: number[] = [];
  let mutationErrors = 0;
  let next = 0;
  const startedAt = now();
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      for (let i = next++; i < spec.tokens.length; i = next++) {
        const sent = now();
        try {
          const response = await pool.request({
            path: '/graphql',
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${spec.tokens[i]}` },
            body: JSON.stringify({ query: spec.mutation, variables: { input: { productId: spec.productIds[i % spec.productIds.length], quantity: 1 } } }),
          });
          const body = (await response.body.json()) as { data?: { addCartLine?: { version?: number } } };
          const version = body.data?.addCartLine?.version;
          if (response.statusCode !== 200 || version === undefined) {
            mutationErrors += 1;
            continue;
          }
          responded[i] = now();
          versions[i] = version;
          mutationLatenciesMs.push(responded[i]! - sent);
        } catch {
          mutationErrors += 1;
        }
      }
    }),
  );
  await pool.close();
  const wanted = () => spec.tokens.map((_, i) => i).filter((i) => versions[i] !== undefined && devices[i] !== undefined);
  const deadline = performance.now() + spec.waitMs;
  while (performance.now() < deadline && wanted().some((i) => !devices[i]!.seen.received.has(versions[i]!))) await new Promise((r) => setTimeout(r, 20));

  const delaysMs: number[] = [];
  let early = 0;
  let missing = 0;
  let lastReceiptAt = startedAt;
  for (const i of wanted()) {
    const at = devices[i]!.seen.received.get(versions[i]!);
    if (at === undefined) {
      missing += 1;
      continue;
    }
    if (at < responded[i]!) early += 1;
    delaysMs.push(Math.max(0, at - responded[i]!));
    lastReceiptAt = Math.max(lastReceiptAt, at);
  }
  const result: LiveResult = {
    type: 'result',
    devices: devices.filter(Boolean).length,
    changes: versions.filter((v) => v !== undefined).length,
    mutationErrors,
    mutationLatenciesMs,
    delaysMs,
    early,
    // Owners whose device never connected cannot receive anything: they count as missing too.
    missing: missing + failed,
    outOfOrder: devices.reduce((n, d) => n + (d?.seen.outOfOrder ?? 0), 0),
    startedAt,
    lastReceiptAt,
  };
  reply(result);
  await input.next(); // the parent reads our CPU time first
  await Promise.all(devices.map((d) => d?.client.dispose()));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(`live-devices: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
