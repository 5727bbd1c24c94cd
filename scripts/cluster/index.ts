/**
 * `npm run cluster`: the scale-out topology (2 gateways and 2 of each subgraph behind HAProxy,
 * Redis Cluster, Postgres primary + streaming replica + PgBouncer) in the foreground until
 * Ctrl-C or `npm run cluster -- --down` (from another terminal). `--instances <n>` changes the
 * count. Needs Postgres, NATS, and Debian's haproxy, pgbouncer and redis-server (installed by
 * `.ci/run` / the test preflight when missing).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signUserToken } from '@platform/auth';
import { startTopology } from './topology.ts';

const STATE = join(tmpdir(), 'cart-platform-cluster.json');
const args = process.argv.slice(2);

async function down(): Promise<void> {
  if (!existsSync(STATE)) {
    console.log('cluster: none running');
    return;
  }
  const { pid } = JSON.parse(readFileSync(STATE, 'utf8')) as { pid: number };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    rmSync(STATE, { force: true });
    console.log('cluster: its runner was gone; cleared the state file');
    return;
  }
  for (let i = 0; i < 120 && existsSync(STATE); i += 1) await new Promise((r) => setTimeout(r, 500));
  console.log(existsSync(STATE) ? `cluster: pid ${pid} did not stop within 60 s` : 'cluster: stopped');
}

async function up(): Promise<void> {
  if (existsSync(STATE)) {
    const { pid, gatewayUrl } = JSON.parse(readFileSync(STATE, 'utf8')) as { pid: number; gatewayUrl: string };
    try {
      process.kill(pid, 0);
      console.log(`cluster: already running (pid ${pid}) at ${gatewayUrl}; npm run cluster -- --down stops it`);
      return;
    } catch {
      rmSync(STATE, { force: true });
    }
  }
  const at = args.indexOf('--instances');
  const instances = at >= 0 ? Number(args[at + 1]) : 2;
  const port = process.env.CLUSTER_GATEWAY_PORT ? Number(process.env.CLUSTER_GATEWAY_PORT) : 4080;
  const topology = await startTopology({ instances, gatewayPort: port, log: (line) => console.log(`cluster: ${line}`) });
  writeFileSync(STATE, JSON.stringify({ pid: process.pid, gatewayUrl: topology.gatewayUrl }));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('cluster: stopping');
    await topology.stop();
    rmSync(STATE, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  const token = await signUserToken(topology.jwtSecret, { userId: 'alice' });
  console.log(`cluster: ready at ${topology.gatewayUrl} (HAProxy → ${topology.gateways.length} gateways; ${topology.gateways.map((g) => g.name).join(', ')})`);
  console.log(`cluster: Redis Cluster ${topology.redis.nodes}; PgBouncer :${topology.pgbouncer.port}; replica :${topology.replica.port}`);
  console.log(`cluster: a token for alice: ${token}`);
  console.log('cluster: Ctrl-C or `npm run cluster -- --down` stops it');
}

if (args.includes('--down')) await down();
else await up();
