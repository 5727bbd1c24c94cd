/**
 * A Redis Cluster of one test file: 3 masters and 3 replicas from the machine's `redis-server`
 * in cluster mode, on free ports (and free cluster-bus ports) in a temporary folder, joined with
 * `redis-cli --cluster create ... --cluster-replicas 1`. Nothing is kept on disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitUntil } from '@platform/testing';
import { freePort, stopChild, waitForPort } from './processes.ts';

export const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server';
export const REDIS_CLI_BIN = process.env.REDIS_CLI_BIN ?? 'redis-cli';

export interface ClusterNodeInfo {
  port: number;
  role: 'master' | 'slave';
  /** The master's port, for a replica. */
  masterPort?: number;
}

export interface OwnRedisCluster {
  ports: number[];
  /** `REDIS_CLUSTER_NODES` for the services. */
  nodes: string;
  /** Each node's current role. */
  topology(): Promise<ClusterNodeInfo[]>;
  /** Runs `CLUSTER FAILOVER` on a replica of the master at `masterPort` and waits until it is a master and the cluster is ok. Returns the new master's port. */
  failover(masterPort: number): Promise<number>;
  /** Number of keys under `prefix` on each master (by port). */
  keysPerMaster(prefix: string): Promise<Map<number, number>>;
  close(): Promise<void>;
}

const run = (args: string[]) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(REDIS_CLI_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`redis-cli ${args.join(' ')}: ${out}`))));
  });

async function onNode<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  await r.connect();
  try {
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

const clusterOk = async (port: number) => /cluster_state:ok/.test(await onNode(port, (r) => r.cluster('INFO') as Promise<string>).catch(() => ''));

export async function startRedisCluster(): Promise<OwnRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-redis-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  try {
    for (let i = 0; i < 6; i += 1) {
      const [port, bus] = [await freePort(), await freePort()];
      const home = join(dir, String(port));
      mkdirSync(home);
      const child = spawn(
        REDIS_SERVER_BIN,
        ['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(home, 'nodes.conf'),
          '--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no', '--dir', home, '--logfile', join(home, 'redis.log')],
        { stdio: 'ignore' },
      );
      children.push(child);
      ports.push(port);
    }
    await Promise.all(ports.map((p) => waitForPort(p, 'redis-server (cluster mode)')));
    await run(['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes']);
    await waitUntil(async () => (await Promise.all(ports.map(clusterOk))).every(Boolean), 'the Redis Cluster to be ok on every node', 30_000, 100);
  } catch (error) {
    await Promise.all(children.map((c) => stopChild(c, 'SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  async function topology(): Promise<ClusterNodeInfo[]> {
    const text = (await onNode(ports[0]!, (r) => r.cluster('NODES') as Promise<string>)).trim();
    const rows = text.split('\n').map((line) => line.split(' '));
    const portOfId = new Map(rows.map((r) => [r[0]!, Number(r[1]!.split('@')[0]!.split(':').at(-1))]));
    return rows
      .filter((r) => !r[2]!.includes('fail'))
      .map((r) => {
        const port = portOfId.get(r[0]!)!;
        return r[2]!.includes('master') ? { port, role: 'master' as const } : { port, role: 'slave' as const, masterPort: portOfId.get(r[3]!)! };
      });
  }

  return {
    ports,
    nodes: ports.map((p) => `127.0.0.1:${p}`).join(','),
    topology,
    async failover(masterPort) {
      const replica = (await topology()).find((n) => n.role === 'slave' && n.masterPort === masterPort);
      if (!replica) throw new Error(`no replica of ${masterPort}`);
      await onNode(replica.port, (r) => r.cluster('FAILOVER'));
      await waitUntil(async () => (await onNode(replica.port, (r) => r.role())).at(0) === 'master', `node ${replica.port} to take over from ${masterPort}`, 30_000, 100);
      await waitUntil(async () => (await Promise.all(ports.map(clusterOk))).every(Boolean), 'the Redis Cluster to be ok again', 30_000, 100);
      return replica.port;
    },
    async keysPerMaster(prefix) {
      const counts = new Map<number, number>();
      for (const node of (await topology()).filter((n) => n.role === 'master')) {
        counts.set(node.port, await onNode(node.port, async (r) => (await r.keys(`${prefix}*`)).length));
      }
      return counts;
    },
    async close() {
      await Promise.all(children.map((c) => stopChild(c, 'SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
