/**
 * The platform as production runs it, for one bench run: each subgraph and the gateway its own
 * OS process, started exactly as `npm start` starts them (`spawnService`), with
 * NODE_ENV=production, fresh non-default secrets, LOG_LEVEL=warn, a fresh database copied from
 * the e2e template, its own Redis key prefix and free ports. A second gateway process runs with
 * its response cache off (RESPONSE_CACHE_ENABLED=false), so "first view" scenarios take the
 * federated path on every request while the subgraphs' caches stay warm.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@platform/logger';
import { createRedis } from '@platform/redis';
import { createTestDatabase, ensureTemplate, type TestDatabase } from '../e2e/support/database.ts';
import { deleteStream, type StackEvents } from '../e2e/support/events.ts';
import { natsAnswers } from '../scripts/start/nats.ts';
import { spawnService, stopServices, waitUntilReady, type RunningService, type ServiceName, type ServiceSpec } from '../scripts/start/services.ts';
import type { BenchSettings } from './settings.ts';
import { startOtlpSink, type OtlpSink } from './otlp-sink.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY_TIMEOUT_MS = 120_000; // two cores, six processes compiling TypeScript at once
const STOP_GRACE_MS = 10_000;

export const SUBGRAPH_NAMES = ['cart', 'product', 'pricing', 'order'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];
/** Process names as the reports show them. */
export type ProcessName = SubgraphName | 'gateway' | 'gateway-nocache';

export interface ServiceProcess {
  name: ProcessName;
  pid: number;
  port: number;
  origin: string;
}

export interface Fleet {
  /** Gateway as configured for production (response cache on, if the gateway has one). */
  gateway: ServiceProcess;
  /** Same gateway code with RESPONSE_CACHE_ENABLED=false. */
  gatewayNoCache: ServiceProcess;
  subgraphs: Record<SubgraphName, ServiceProcess>;
  /** Every service process, in report order. */
  processes: ServiceProcess[];
  jwtSecret: string;
  redisUrl: string;
  redisPrefix: string;
  database: TestDatabase;
  /** The run's own event stream, when the services publish to one. */
  stream?: StackEvents;
  /** Stops the services (drain, then SIGKILL after 10 s), drops the database, deletes our Redis keys. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the service to take). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Deletes every key under `prefix` (the bench's own namespace on a shared Redis). */
async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedis({ url: redisUrl, keyPrefix: '', commandTimeoutMs: 5_000, logger: createLogger('bench', { level: 'warn' }), role: 'cleanup' });
  try {
    await new Promise<void>((resolve, reject) => (redis.once('ready', () => resolve()), redis.once('error', reject)));
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const secret = () => randomBytes(32).toString('base64url'); // 43 characters

/** Everything running so far, for `stopFleet` on failure or Ctrl-C before `startFleet` returned. */
const started: { services: RunningService[]; database?: TestDatabase; redis?: { url: string; prefix: string }; stream?: StackEvents; sink?: OtlpSink } = { services: [] };
let stopping: Promise<void> | undefined;
/** Bumped when a fleet starts stopping: exits of an older generation's processes are expected, not failures. */
let generation = 0;

/** True while a fleet is started (and not stopped). */
export const fleetRunning = (): boolean => started.services.length > 0 && stopping === undefined;

/** Stops whatever `startFleet` has started so far. Safe to call more than once; afterwards a new fleet may start. */
export async function stopFleet(): Promise<void> {
  generation += 1;
  stopping ??= (async () => {
    const killed = await stopServices(started.services, STOP_GRACE_MS);
    if (killed.length) console.error(`bench: force-killed after ${STOP_GRACE_MS / 1000} s: ${killed.join(', ')}`);
    await started.database?.drop().catch((error: unknown) => console.error(`bench: could not drop ${started.database?.name}: ${String(error)}`));
    if (started.sink) {
      const { requests, bytes } = started.sink.received();
      console.log(`bench: tracing sink received ${requests} OTLP exports (${(bytes / 1024).toFixed(0)} KiB)`);
      await started.sink.close();
    }
    if (started.redis) await deleteKeys(started.redis.url, started.redis.prefix).catch((error: unknown) => console.error(`bench: could not delete Redis keys: ${String(error)}`));
    if (started.stream) await deleteStream(started.stream).catch((error: unknown) => console.error(`bench: could not delete stream ${started.stream?.stream}: ${String(error)}`));
  })();
  await stopping;
  // Everything is gone: the next `startFleet` (tracing-cost restarts the fleet) begins afresh.
  for (const key of ['database', 'redis', 'stream', 'sink'] as const) delete started[key];
  started.services = [];
  stopping = undefined;
}

/** The NATS server a streaming fleet uses (`BENCH_NATS_URL`, else `TEST_NATS_URL`), once it answers; rejects naming it when none does. */
export async function benchNatsUrl(settings: BenchSettings): Promise<string> {
  const natsUrl = settings.BENCH_NATS_URL ?? settings.TEST_NATS_URL;
  const { hostname, port } = new URL(natsUrl.split(',')[0]!);
  if (!(await natsAnswers(hostname, Number(port || 4222)))) throw new Error(`no NATS server answers at ${hostname}:${port || 4222}; start one (npm test's preflight does) or set BENCH_NATS_URL`);
  return natsUrl;
}

/** What a scenario that restarts the fleet may change: tracing, and which NATS server (if any) the services stream to. */
export interface FleetOptions {
  tracing?: BenchSettings['BENCH_TRACING'];
  /** The stream's server; `null` runs without a stream (and so without consumers). Default `BENCH_NATS_URL`. */
  natsUrl?: string | null;
  /** More environment for every service (a scenario's own settings). */
  env?: NodeJS.ProcessEnv;
}

/** Starts the fleet; `onExit` hears of any service that dies before `stop()`. */
export async function startFleet(settings: BenchSettings, onExit: (name: string, how: string) => void, options: FleetOptions = {}): Promise<Fleet> {
  const tracingMode = options.tracing ?? settings.BENCH_TRACING;
  const natsUrl = options.natsUrl === undefined ? settings.BENCH_NATS_URL : options.natsUrl;
  const mine = generation;
  await ensureTemplate();
  const database = await createTestDatabase();
  started.database = database;
  const runTag = randomBytes(4).toString('hex');
  const redisPrefix = `bench:${runTag}:`;
  const stream = natsUrl ? { natsUrl, stream: `BENCH_${runTag}`, prefix: `bench.${runTag}.ev` } : undefined;
  if (stream) started.stream = stream;
  started.redis = { url: settings.TEST_REDIS_URL, prefix: redisPrefix };
  const jwtSecret = secret();
  const names: ProcessName[] = ['cart', 'product', 'pricing', 'order', 'gateway', 'gateway-nocache'];
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()] as const))) as Record<ProcessName, number>;
  const url = (name: ProcessName) => `http://127.0.0.1:${ports[name]}/graphql`;
  if (tracingMode !== 'off') started.sink = await startOtlpSink();
  console.log(`bench: tracing ${tracingMode}${started.sink ? ` (spans to an in-bench OTLP sink at ${started.sink.url})` : ' (no SDK loaded)'}`);
  console.log(`bench: ${stream ? `event stream ${stream.stream} on ${stream.natsUrl} (${options.env?.EVENTS_CONSUMERS === 'false' ? 'relays running, no consumer: EVENTS_CONSUMERS=false' : 'relays and every consumer running'})` : 'no event stream (no relay, no consumers)'}`);
  const tracing = started.sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: started.sink.url, ...(tracingMode === 'all' ? { OTEL_TRACES_SAMPLER_ARG: '1' } : {}) } : {};
  const env: NodeJS.ProcessEnv = {
    ...settings.childEnv,
    ...tracing,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: String(settings.BENCH_DATABASE_POOL_SIZE),
    REDIS_URL: settings.TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    AUTH_JWT_SECRET: jwtSecret,
    INTERNAL_SECRET: secret(),
    HOST: '127.0.0.1',
    // The bench sends far more per caller than a shopper would; every caller here is 127.0.0.1.
    RATE_LIMIT_POINTS: '1000000000',
    CART_PORT: String(ports.cart),
    PRODUCT_PORT: String(ports.product),
    PRICING_PORT: String(ports.pricing),
    ORDER_PORT: String(ports.order),
    CART_URL: url('cart'),
    PRODUCT_URL: url('product'),
    PRICING_URL: url('pricing'),
    ORDER_URL: url('order'),
    ...(stream ? { NATS_URL: stream.natsUrl, EVENTS_STREAM: stream.stream, EVENTS_SUBJECT_PREFIX: stream.prefix, EVENTS_MAX_AGE_HOURS: '2' } : {}),
    ...options.env,
  };
  const spec = (name: ProcessName): ServiceSpec => {
    const service: ServiceName = name === 'gateway-nocache' ? 'gateway' : name;
    return { name: service, dir: service === 'gateway' ? 'gateway' : path.join('subgraphs', service), port: ports[name], ...(name === 'gateway-nocache' ? { label: 'gw-nc' } : {}) };
  };
  const launch = (name: ProcessName, extra: NodeJS.ProcessEnv = {}): ServiceProcess => {
    const profile = settings.BENCH_CPU_PROFILE_DIR ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(settings.BENCH_CPU_PROFILE_DIR, name)}`] } : {};
    const running = spawnService({ ...spec(name), ...profile }, ROOT, { ...env, ...extra });
    started.services.push(running);
    void running.exited.then(({ code, signal }) => {
      if (generation === mine) onExit(name, signal ?? `code ${code}`);
    });
    if (running.child.pid === undefined) throw new Error(`could not start ${name}`);
    return { name, pid: running.child.pid, port: ports[name], origin: `http://127.0.0.1:${ports[name]}` };
  };
  const subgraphs = Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, launch(n)])) as Record<SubgraphName, ServiceProcess>;
  await waitUntilReady(SUBGRAPH_NAMES.map(spec), READY_TIMEOUT_MS, () => stopping !== undefined || generation !== mine);
  const gateway = launch('gateway', { GATEWAY_PORT: String(ports.gateway), RESPONSE_CACHE_ENABLED: 'true' });
  const gatewayNoCache = launch('gateway-nocache', { GATEWAY_PORT: String(ports['gateway-nocache']), RESPONSE_CACHE_ENABLED: 'false' });
  await waitUntilReady([spec('gateway'), spec('gateway-nocache')], READY_TIMEOUT_MS, () => stopping !== undefined || generation !== mine);
  return {
    gateway,
    gatewayNoCache,
    subgraphs,
    processes: [gateway, gatewayNoCache, ...SUBGRAPH_NAMES.map((n) => subgraphs[n])],
    jwtSecret,
    redisUrl: settings.TEST_REDIS_URL,
    redisPrefix,
    database,
    ...(stream ? { stream } : {}),
    stop: stopFleet,
  };
}
