/**
 * `npm run bench -- --cluster`: cart view and addCartLine throughput through HAProxy on the
 * scale-out topology (scripts/cluster/topology.ts) with 1 and then 2 instances of every service,
 * the load generator in its own process (closed loop, one user per connection). Prints one row
 * per (instances, operation) and the scaling factor 2-vs-1; README "Scaling out" says what that
 * factor can and cannot mean on a 2-core machine.
 */
import os from 'node:os';
import { print } from 'graphql';
import { AddCartLineDocument, CartViewDocument } from '@platform/client';
import { signUserToken } from '@platform/auth';
import { createClient, createProduct } from '@platform/testing';
import { startTopology, type Topology } from '../scripts/cluster/topology.ts';
import { measureLoad, type Row } from './measure.ts';
import type { RequestSpec } from './load-spec.ts';
import { loadBenchSettings } from './settings.ts';

const USERS = 64;

async function requestsFor(topology: Topology): Promise<{ view: RequestSpec[][]; add: RequestSpec[][] }> {
  const admin = createClient(topology.gatewayUrl, topology.jwtSecret, { retriesWhenShed: 10 });
  const products = await Promise.all(Array.from({ length: 4 }, (_, i) => createProduct(admin, { name: `Bench cluster ${i}`, price: '10.00', stock: 1_000_000 })));
  const path = new URL(topology.gatewayUrl).pathname;
  const view: RequestSpec[][] = [];
  const add: RequestSpec[][] = [];
  for (let u = 0; u < USERS; u += 1) {
    const user = `bench-cluster-${u}`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${await signUserToken(topology.jwtSecret, { userId: user, expiresInSeconds: 3_600 })}` };
    // A cart to view: one line per product.
    for (const p of products) await admin.data(AddCartLineDocument, { input: { productId: p.id, quantity: 1 } }, { user });
    view.push([{ method: 'POST', path, headers, body: JSON.stringify({ query: print(CartViewDocument) }), expect: '"cart":{' }]);
    add.push(products.map((p) => ({ method: 'POST' as const, path, headers, body: JSON.stringify({ query: print(AddCartLineDocument), variables: { input: { productId: p.id, quantity: 1 } } }), expect: '"__typename":"Cart"' })));
  }
  return { view, add };
}

function processes(topology: Topology) {
  const all = [...topology.gateways, ...Object.values(topology.subgraphs).flat()];
  return all.map((i) => ({ name: i.name, pid: i.process.child.pid!, origin: `http://127.0.0.1:${i.port}` }));
}

let running: Topology | undefined;

/** Stops the topology of a run in progress (Ctrl-C). */
export async function stopClusterBench(): Promise<void> {
  await running?.stop();
  running = undefined;
}

export async function runClusterBench(): Promise<number> {
  const settings = loadBenchSettings();
  const durationMs = settings.BENCH_DURATION_MS;
  const warmupMs = settings.BENCH_WARMUP_MS;
  console.log(`# npm run bench -- --cluster: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${USERS} users, closed loop, ${durationMs / 1000} s per row`);
  const rows: { instances: number; op: string; row: Row }[] = [];
  for (const instances of [1, 2]) {
    console.log(`starting the topology with ${instances} instance(s) of each service ...`);
    const topology = await startTopology({ instances, logLevel: 'error' });
    running = topology;
    try {
      const { view, add } = await requestsFor(topology);
      const watched = processes(topology);
      const names = watched.map((w) => w.name);
      const options = (label: string) => ({ label, watched, services: names, subgraphs: names.filter((n) => !n.startsWith('gateway')), gateway: names.find((n) => n.startsWith('gateway'))!, env: { ...process.env, NODE_ENV: 'production' } });
      const origin = new URL(topology.gatewayUrl).origin;
      for (const [op, lanes] of [['cart view', view], ['addCartLine', add]] as const) {
        const row = await measureLoad({ mode: 'closed', origin, warmupMs, durationMs, connections: lanes.length, lanes }, options(`${instances}× ${op}`));
        rows.push({ instances, op, row });
        console.log(`${instances} instance(s)  ${op.padEnd(12)} ${row.opsPerSec.toFixed(0).padStart(7)} ops/s  p50 ${row.latencyMs.p50.toFixed(1)} ms  p99 ${row.latencyMs.p99.toFixed(1)} ms  errors ${row.errors.total}  load generator ${row.loadgenCpuPercent?.toFixed(0) ?? '?'}% of a core`);
        if (row.errors.total) console.log(`    errors by HTTP status ${JSON.stringify(row.errors.statusCodes)}; first: ${(row.errors.samples[0] ?? '').slice(0, 300)}`);
      }
    } finally {
      await topology.stop();
      running = undefined;
    }
  }
  console.log('\nscaling 2 vs 1 instance(s) of each service:');
  for (const op of ['cart view', 'addCartLine']) {
    const [one, two] = [1, 2].map((n) => rows.find((r) => r.instances === n && r.op === op)?.row.opsPerSec ?? 0);
    console.log(`  ${op.padEnd(12)} ${one!.toFixed(0)} → ${two!.toFixed(0)} ops/s: × ${one ? (two! / one).toFixed(2) : 'n/a'}`);
  }
  console.log(`(${os.cpus().length} cores: every process shares them, so more instances add parallelism only while a core sits idle; see README "Scaling out")`);
  return rows.some((r) => r.row.ok === 0) ? 1 : 0;
}
