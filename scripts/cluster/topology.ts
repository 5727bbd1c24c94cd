/**
 * The local scale-out topology, as real processes on this machine (used by `npm run cluster`,
 * `npm run test:cluster` and `npm run bench -- --cluster`):
 *
 *   HAProxy (round robin, health checks on /ready, WebSocket upgrades passed through)
 *     ├─ gateway ×N ─┐
 *     ├─ cart ×N, product ×N, pricing ×N, order ×N   (every service finds the others through HAProxy)
 *   Redis Cluster: 3 masters + 3 replicas                       (REDIS_CLUSTER_NODES)
 *   Postgres: the primary behind PgBouncer (transaction mode), plus a streaming replica for
 *   order history, the catalog and cart analytics (ORDER_, PRODUCT_, CART_READ_DATABASE_URL)
 *
 * Its database is a fresh copy of the e2e template (migrations and the demo catalog); its event
 * stream a stream of its own on the machine's NATS.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { createTestDatabase, ensureTemplate, type TestDatabase } from '../../e2e/support/database.ts';
import { deleteStream } from '../../e2e/support/events.ts';
import { startPgBouncer, type OwnPgBouncer } from '../../e2e/support/pgbouncer.ts';
import { freePort, stopChild, waitForPort } from '../../e2e/support/processes.ts';
import { startRedisCluster, type OwnRedisCluster } from '../../e2e/support/redis-cluster.ts';
import { startReplica, type OwnReplica } from '../../e2e/support/replica.ts';
import { hasBinary } from '../start/debian.ts';
import { spawnService, stopServices, waitUntilReady, type RunningService, type ServiceName } from '../start/services.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SUBGRAPHS = ['product', 'pricing', 'cart', 'order'] as const;
type Subgraph = (typeof SUBGRAPHS)[number];
export const HAPROXY_BIN = process.env.HAPROXY_BIN ?? (hasBinary('haproxy') ? 'haproxy' : '/usr/sbin/haproxy');

export interface Instance {
  name: string;
  service: ServiceName;
  port: number;
  url: string;
  process: RunningService;
}

export interface Topology {
  /** The public entry: HAProxy in front of the gateways. */
  gatewayUrl: string;
  /** HAProxy's front of each subgraph. */
  fronts: Record<Subgraph, string>;
  gateways: Instance[];
  subgraphs: Record<Subgraph, Instance[]>;
  jwtSecret: string;
  env: Record<string, string>;
  database: TestDatabase;
  redis: OwnRedisCluster;
  replica: OwnReplica;
  pgbouncer: OwnPgBouncer;
  /** SIGKILLs one instance (a crash); HAProxy's health checks take it out of rotation. */
  kill(instance: Instance): Promise<void>;
  stop(): Promise<void>;
}

export interface TopologyOptions {
  /** Instances of the gateway and of each subgraph (default 2). */
  instances?: number;
  log?: (line: string) => void;
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /** Log level of the services (default warn). */
  logLevel?: string;
  /** Fixed public port (default: a free one). */
  gatewayPort?: number;
}

const secret = () => randomBytes(32).toString('base64url');
// Each service process adds an exit hook (so none outlives us): a dozen is expected here.
process.setMaxListeners(Math.max(process.getMaxListeners(), 50));

function haproxyConfig(dir: string, fronts: { name: string; port: number; servers: number[] }[]): string {
  const lines = [
    'global',
    // Two file descriptors a connection: within the usual 20k descriptor limit.
    '  maxconn 4000',
    `  pidfile ${join(dir, 'haproxy.pid')}`,
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    // A WebSocket, once upgraded, is a tunnel: it lives as long as the device stays.
    '  timeout tunnel 1h',
    '  option redispatch',
    // Only a connection that never reached a server is retried elsewhere: a request a server saw is never sent twice.
    '  retries 3',
    '  retry-on conn-failure',
    // A busy instance answers /ready slowly: give the check 2 s before it counts as failed, and take an
    // instance out only after 3 failures in a row (a killed one goes within ~3 s).
    '  timeout check 2s',
    '  default-server inter 1s fall 3 rise 2',
  ];
  for (const front of fronts) {
    lines.push(`frontend ${front.name}`, `  bind 127.0.0.1:${front.port}`, `  default_backend ${front.name}`);
    lines.push(`backend ${front.name}`, '  balance roundrobin', '  option httpchk GET /ready', '  http-check expect status 200', '  option allbackups');
    front.servers.forEach((port, i) => lines.push(`  server ${front.name}-${i + 1} 127.0.0.1:${port} check`));
    // Fail open: when every instance reports not ready (a gateway's /ready asks its subgraphs within 1 s,
    // so a saturated cart makes every gateway "unready" at once), traffic still goes to them rather
    // than HAProxy answering 503 for the whole fleet. One unready instance among ready ones is skipped.
    front.servers.forEach((port, i) => lines.push(`  server ${front.name}-${i + 1}-fallback 127.0.0.1:${port} backup`));
  }
  return `${lines.join('\n')}\n`;
}

/** Starts the topology; `stop()` takes it all down again (also on failure part-way). */
export async function startTopology(options: TopologyOptions = {}): Promise<Topology> {
  const n = options.instances ?? 2;
  const log = options.log ?? (() => undefined);
  const cleanups: (() => Promise<unknown>)[] = [];
  const services: RunningService[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'cp-topology-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const stop = async () => {
    await stopServices(services, 10_000).catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    log('database: a copy of the template (migrations + demo catalog)');
    await ensureTemplate();
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    log('Postgres: streaming replica (pg_basebackup -R), PgBouncer (transaction pooling); Redis Cluster (3 masters, 3 replicas)');
    const [replica, pgbouncer, redis] = await Promise.all([startReplica(), startPgBouncer({ poolSize: 20 }), startRedisCluster()]);
    cleanups.push(() => replica.close(), () => pgbouncer.close(), () => redis.close());

    const tag = randomBytes(4).toString('hex');
    const events = { natsUrl: process.env.NATS_URL ?? process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222', stream: `CL_${tag}`, prefix: `cl.${tag}.ev` };
    cleanups.push(() => deleteStream(events));
    const frontPorts = Object.fromEntries(await Promise.all([...SUBGRAPHS, 'gateway'].map(async (s) => [s, s === 'gateway' && options.gatewayPort ? options.gatewayPort : await freePort()] as const)));
    const instancePorts = Object.fromEntries(await Promise.all([...SUBGRAPHS, 'gateway'].map(async (s) => [s, await Promise.all(Array.from({ length: n }, () => freePort()))] as const))) as Record<Subgraph | 'gateway', number[]>;
    const front = (s: string) => `http://127.0.0.1:${frontPorts[s]}/graphql`;
    const jwtSecret = secret();
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      NODE_ENV: 'production',
      LOG_LEVEL: options.logLevel ?? 'warn',
      DATABASE_URL: pgbouncer.url(database.name),
      ORDER_READ_DATABASE_URL: replica.url(database.name),
      PRODUCT_READ_DATABASE_URL: replica.url(database.name),
      CART_READ_DATABASE_URL: replica.url(database.name),
      DATABASE_POOL_SIZE: '5',
      EVENTS_DATABASE_POOL_SIZE: '1',
      REDIS_CLUSTER_NODES: redis.nodes,
      REDIS_KEY_PREFIX: `cl:${tag}:`,
      AUTH_JWT_SECRET: jwtSecret,
      INTERNAL_SECRET: secret(),
      HOST: '127.0.0.1',
      RATE_LIMIT_POINTS: '100000000',
      // Ten processes share two cores here: event-loop lag comes from the neighbours' CPU as much as from a
      // gateway's own load, so shed on lag only when it is extreme (in-flight shedding stays as configured).
      SHED_EVENT_LOOP_DELAY_MS: '2000',
      NATS_URL: events.natsUrl,
      EVENTS_STREAM: events.stream,
      EVENTS_SUBJECT_PREFIX: events.prefix,
      EVENTS_MAX_AGE_HOURS: '2',
      CART_URL: front('cart'),
      PRODUCT_URL: front('product'),
      PRICING_URL: front('pricing'),
      ORDER_URL: front('order'),
      ...options.env,
    };

    const haproxyCfg = join(dir, 'haproxy.cfg');
    writeFileSync(haproxyCfg, haproxyConfig(dir, [...SUBGRAPHS, 'gateway'].map((s) => ({ name: s, port: frontPorts[s]!, servers: instancePorts[s as Subgraph | 'gateway'] }))));
    log(`HAProxy: gateway front ${front('gateway')}, one front per subgraph, ${n} instances each`);
    const haproxyLog = openSync(join(dir, 'haproxy.log'), 'a');
    const haproxy = spawn(HAPROXY_BIN, ['-f', haproxyCfg, '-db'], { stdio: ['ignore', haproxyLog, haproxyLog] });
    haproxy.once('exit', (code) => code && log(`HAProxy exited with ${code}: ${readFileSync(join(dir, 'haproxy.log'), 'utf8').trim().split('\n').at(-1)}`));
    cleanups.push(() => stopChild(haproxy, 'SIGTERM'));
    await waitForPort(frontPorts.gateway!, 'haproxy');

    const launch = (service: ServiceName, i: number): Instance => {
      const port = instancePorts[service as Subgraph | 'gateway'][i]!;
      const name = `${service}-${i + 1}`;
      const running = spawnService({ name: service, dir: service === 'gateway' ? 'gateway' : `subgraphs/${service}`, port, label: name }, ROOT, { ...env, [`${service.toUpperCase()}_PORT`]: String(port) });
      services.push(running);
      return { name, service, port, url: `http://127.0.0.1:${port}/graphql`, process: running };
    };
    log(`starting ${n} × (cart, product, pricing, order), then ${n} gateways`);
    const subgraphs = Object.fromEntries(SUBGRAPHS.map((s) => [s, Array.from({ length: n }, (_, i) => launch(s, i))])) as Record<Subgraph, Instance[]>;
    await waitUntilReady(Object.values(subgraphs).flat().map((i) => ({ name: i.service, dir: '', port: i.port })), 240_000, () => false);
    const gateways = Array.from({ length: n }, (_, i) => launch('gateway', i));
    await waitUntilReady(gateways.map((i) => ({ name: i.service, dir: '', port: i.port })), 240_000, () => false);
    return {
      gatewayUrl: front('gateway'),
      fronts: Object.fromEntries(SUBGRAPHS.map((s) => [s, front(s)])) as Record<Subgraph, string>,
      gateways,
      subgraphs,
      jwtSecret,
      env,
      database,
      redis,
      replica,
      pgbouncer,
      async kill(instance) {
        if (instance.process.child.pid) process.kill(-instance.process.child.pid, 'SIGKILL');
        await instance.process.exited;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
