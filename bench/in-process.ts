/**
 * Helpers of the scenario modules that start the whole platform in the bench's own process
 * (`flashsale.ts`): run N concurrent workers for a while, record each operation's latency, print
 * throughput and percentiles. The fleet scenarios (bench/scenarios) use the separate load
 * generator instead. Benchmarks print figures; they never fail on timing.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';

export interface Measurement {
  name: string;
  ops: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Runs `op` from `concurrency` workers for `durationMs`; an op that throws counts as an error. */
export async function measure(name: string, options: { concurrency: number; durationMs: number }, op: (worker: number, i: number) => Promise<void>): Promise<Measurement> {
  const latenciesMs: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        try {
          await op(worker, i);
          latenciesMs.push(performance.now() - t0);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { name, ops: latenciesMs.length, errors, seconds: (performance.now() - started) / 1000, latenciesMs };
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');

/** Prints one line per measurement: ops/s and p50/p95/p99 in milliseconds. */
export function report(title: string, rows: Measurement[], notes: string[] = []): void {
  console.log(`\n## ${title}`);
  console.log(`${'scenario'.padEnd(44)} ${'ops'.padStart(7)} ${'ops/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}`);
  for (const row of rows) {
    const sorted = [...row.latenciesMs].sort((a, b) => a - b);
    console.log(
      `${row.name.padEnd(44)} ${String(row.ops).padStart(7)} ${fmt(row.ops / row.seconds).padStart(8)} ${fmt(percentile(sorted, 50)).padStart(8)} ${fmt(percentile(sorted, 95)).padStart(8)} ${fmt(percentile(sorted, 99)).padStart(8)} ${String(row.errors).padStart(7)}`,
    );
  }
  for (const note of notes) console.log(`  ${note}`);
}

/** A keep-alive GraphQL client for load: returns parsed `data`, throws on errors. */
export function graphqlClient(url: string, connections = 64) {
  const agent = new Agent({ connections, keepAliveTimeout: 30_000 });
  return {
    async send<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<T> {
      const response = await request(url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
      const body = (await response.body.json()) as { data?: T; errors?: unknown[] };
      if (response.statusCode !== 200 || body.errors?.length) throw new Error(`GraphQL request failed: ${response.statusCode} ${JSON.stringify(body.errors)}`);
      return body.data as T;
    },
    close: () => agent.close(),
  };
}
