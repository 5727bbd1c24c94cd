/**
 * The load generator, its own OS process so that its CPU is never the services' CPU. Reads a
 * `LoadSpec` as the first line on stdin; runs the warm-up; answers `{ type: 'ready' }`; waits
 * for `go` (the parent takes its "before" readings then); runs the measured load and answers
 * one `LoadResult` line.
 *
 * Closed-loop load is autocannon. Fixed-rate and burst load use undici directly: autocannon's
 * rate option hands each connection a per-second quota that it spends at the start of every
 * second, which turns "1,000 requests/s" into one burst per second and measures queueing
 * that a steady stream would not cause.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Pool, errors as undiciErrors } from 'undici';
import { commands, reply } from './child.ts';
import type { BurstSpec, ClosedSpec, LoadResult, LoadSpec, PacedSpec, RequestSpec } from './load-spec.ts';

const REQUEST_TIMEOUT_MS = 10_000;
const TYPENAME = /"__typename":"([A-Za-z0-9_]+)"/;

/** Tallies answers: status codes, latencies, content checks, the per-second timeline. */
class Recorder {
  readonly result: LoadResult = {
    type: 'result',
    answered: 0,
    ok: 0,
    seconds: 0,
    latenciesMs: [],
    statusCodes: {},
    socketErrors: 0,
    timeouts: 0,
    dropped: 0,
    graphqlErrors: 0,
    errorSamples: [],
    perSecond: [],
    typenames: {},
  };
  private readonly started = performance.now();

  constructor(private readonly countTypenames = false) {}

  /** One answer's status and body (closed mode reports latency separately, in `latency`). */
  body(status: number, body: string, expect: string | undefined): void {
    const r = this.result;
    r.answered += 1;
    r.statusCodes[status] = (r.statusCodes[status] ?? 0) + 1;
    const second = Math.floor((performance.now() - this.started) / 1000);
    r.perSecond[second] = (r.perSecond[second] ?? 0) + 1;
    if (this.countTypenames) {
      const name = TYPENAME.exec(body)?.[1] ?? '(none)';
      r.typenames[name] = (r.typenames[name] ?? 0) + 1;
    }
    if (status < 200 || status >= 300) return this.sample(`HTTP ${status}: ${body}`);
    if (body.includes('"errors":') || (expect !== undefined && !body.includes(expect))) {
      r.graphqlErrors += 1;
      return this.sample(body);
    }
    r.ok += 1;
  }

  latency(ms: number): void {
    this.result.latenciesMs.push(ms);
  }

  failure(error: unknown): void {
    if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) this.result.timeouts += 1;
    else this.result.socketErrors += 1;
    this.sample(`request failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  private sample(text: string): void {
    if (this.result.errorSamples.length < 3) this.result.errorSamples.push(text.slice(0, 300));
  }

  finish(): LoadResult {
    this.result.seconds = (performance.now() - this.started) / 1000;
    for (let i = 0; i < this.result.perSecond.length; i++) this.result.perSecond[i] ??= 0;
    return this.result;
  }
}

/** One autocannon instance cycling `pool` over `connections` connections for `durationMs`. */
function autocannonRun(origin: string, pool: RequestSpec[], connections: number, durationMs: number, recorder: Recorder): Promise<autocannon.Result> {
  let next = 0;
  const onResponse = (status: number, body: string, context: Record<string, unknown>) => recorder.body(status, body, context.expect as string | undefined);
  const only = pool.length === 1 ? pool[0]! : undefined;
  const request: autocannon.Request = only
    ? { method: only.method, path: only.path, headers: only.headers, ...(only.body !== undefined ? { body: only.body } : {}), onResponse: (s, b) => recorder.body(s, b, only.expect) }
    : {
        // Each connection's context is fresh for every request, so the expectation travels with it.
        setupRequest: (base, context) => {
          const item = pool[next++ % pool.length]!;
          context.expect = item.expect;
          return { ...base, method: item.method, path: item.path, headers: item.headers, ...(item.body !== undefined ? { body: item.body } : {}) };
        },
        onResponse,
      };
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url: origin, connections, duration: durationMs / 1000, timeout: REQUEST_TIMEOUT_MS / 1000, pipelining: 1, requests: [request] }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
    instance.on('response', (_client, _status, _bytes, ms) => recorder.latency(ms));
  });
}

async function runClosed(spec: ClosedSpec, durationMs: number, recorder: Recorder): Promise<void> {
  const lanes = spec.lanes ?? (spec.pool ? [spec.pool] : []);
  if (lanes.length === 0 || lanes.some((lane) => lane.length === 0)) throw new Error('closed load needs a non-empty pool or lanes');
  const perLane = spec.lanes ? 1 : spec.connections;
  const results = await Promise.all(lanes.map((lane) => autocannonRun(spec.origin, lane, perLane, durationMs, recorder)));
  for (const r of results) {
    recorder.result.timeouts += r.timeouts;
    recorder.result.socketErrors += r.errors - r.timeouts;
  }
}

/** Sends one request on `pool`; latency from `since` (the scheduled time) to the end of the body. */
async function send(pool: Pool, item: RequestSpec, since: number, recorder: Recorder): Promise<void> {
  try {
    const response = await pool.request({ path: item.path, method: item.method, headers: item.headers, body: item.body ?? null, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS });
    const body = await response.body.text();
    recorder.latency(performance.now() - since);
    recorder.body(response.statusCode, body, item.expect);
  } catch (error) {
    recorder.failure(error);
  }
}

async function runPaced(spec: PacedSpec, durationMs: number, recorder: Recorder, pool: Pool): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  // Beyond this many outstanding requests the services are not keeping up: further requests are
  // counted as dropped instead of queueing without bound (and the run ending minutes late).
  const maxInFlight = spec.connections * 4;
  const started = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.floor((Math.min(elapsed, durationMs) * spec.rate) / 1000);
      for (; sent < due; sent++) {
        if (inFlight.size >= maxInFlight) {
          recorder.result.dropped += 1;
          continue;
        }
        const scheduled = started + (sent * 1000) / spec.rate;
        const p = send(pool, spec.pool[sent % spec.pool.length]!, scheduled, recorder).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await Promise.all(inFlight);
}

async function runBurst(spec: BurstSpec, recorder: Recorder): Promise<void> {
  const pool = new Pool(spec.origin, { connections: spec.requests.length, pipelining: 1 });
  try {
    const started = performance.now();
    await Promise.all(spec.requests.map((item) => send(pool, item, started, recorder)));
  } finally {
    await pool.close();
  }
}

async function main(): Promise<void> {
  const input = commands();
  const first = await input.next();
  if (first.done) throw new Error('no load spec on stdin');
  const spec = first.value as LoadSpec;
  const pacedPool = spec.mode === 'paced' ? new Pool(spec.origin, { connections: spec.connections, pipelining: 1, keepAliveTimeout: 60_000 }) : undefined;
  const warm = new Recorder();
  if (spec.mode !== 'burst' && spec.warmupMs > 0) {
    if (spec.mode === 'closed') {
      await runClosed(spec, spec.warmupMs, warm);
      // autocannon abandons the requests in flight when its time is up, and the services still
      // answer them: give them about as long as the slowest warm-up answer took (at most 5 s)
      // so they do not spill into the measured run.
      const slowest = warm.result.latenciesMs.reduce((max, ms) => Math.max(max, ms), 0);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, slowest)));
    } else await runPaced(spec, spec.warmupMs, warm, pacedPool!);
  }
  const w = warm.result;
  // Warm-up failures are reported too: a warm-up that failed is part of what happened.
  reply({ type: 'ready', warmupAnswered: w.answered, warmupErrors: w.answered - w.ok + w.socketErrors + w.timeouts + w.dropped, warmupSamples: w.errorSamples });
  const go = await input.next();
  if (go.done) return;
  const recorder = new Recorder(spec.countTypenames);
  if (spec.mode === 'closed') await runClosed(spec, spec.durationMs, recorder);
  else if (spec.mode === 'paced') await runPaced(spec, spec.durationMs, recorder, pacedPool!);
  else await runBurst(spec, recorder);
  reply(recorder.finish());
  await pacedPool?.close();
  // Stay alive until the parent has read our CPU time for the run; it then closes stdin or says so.
  await input.next();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(`loadgen: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
