/**
 * What the bench prints: a table per scenario (one line per row, then the per-process CPU, the
 * per-subgraph fetches, the cache, errors, notes and the issue's targets), a summary table of
 * every row of the run, and the same figures as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Row } from './measure.ts';
import { STORE_PREFIX } from './readings.ts';
import type { ScenarioReport, Target } from './scenario.ts';

/** A figure for the tables and notes: `digits` decimals, 'n/a' when unknown. */
export const num = (n: number | null | undefined, digits = 1): string => (n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits));
const pct = (n: number | null | undefined): string => (n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : `${(100 * n).toFixed(1)}`);

interface Column {
  title: string;
  width: number;
  value(row: Row): string;
  left?: boolean;
}

const COLUMNS: Column[] = [
  { title: 'row', width: 40, value: (r) => r.label, left: true },
  { title: 'clients', width: 7, value: (r) => (r.rate ? `${r.clients}@${r.rate}/s` : String(r.clients)) },
  { title: 'ops', width: 7, value: (r) => String(r.ops) },
  { title: 'ops/s', width: 8, value: (r) => num(r.opsPerSec) },
  { title: 'p50 ms', width: 7, value: (r) => num(r.latencyMs.p50) },
  { title: 'p95 ms', width: 7, value: (r) => num(r.latencyMs.p95) },
  { title: 'p99 ms', width: 7, value: (r) => num(r.latencyMs.p99) },
  { title: 'max ms', width: 7, value: (r) => num(r.latencyMs.max) },
  { title: 'errors', width: 6, value: (r) => String(r.errors.total) },
  { title: 'CPU ms/op', width: 9, value: (r) => num(r.costs.cpuMsPerOp.total, 2) },
  { title: 'fetch/op', width: 8, value: (r) => num(r.costs.fetchesPerOp.total, 2) },
  { title: 'hit %', width: 6, value: (r) => pct(r.costs.cache?.rate) },
  { title: 'x floor', width: 7, value: (r) => num(r.ratioToFloor, 2) },
];

const cell = (text: string, c: Column) => (c.left ? text.slice(0, c.width).padEnd(c.width) : text.padStart(c.width));
const header = (columns = COLUMNS) => columns.map((c) => cell(c.title, c)).join(' ');
const line = (row: Row, columns = COLUMNS) => columns.map((c) => cell(c.value(row), c)).join(' ');

const byName = (values: Record<string, number>, digits: number, keep: (name: string) => boolean = () => true) =>
  Object.entries(values)
    .filter(([k]) => k !== 'total' && keep(k))
    .map(([k, v]) => `${k.startsWith(STORE_PREFIX) ? k.slice(STORE_PREFIX.length) : k} ${num(v, digits)}`)
    .join(', ');

function details(row: Row): string[] {
  const stores = byName(row.costs.cpuMsPerOp, 3, (k) => k.startsWith(STORE_PREFIX));
  const out = [
    `CPU ms/op by process: ${byName(row.costs.cpuMsPerOp, 3, (k) => !k.startsWith(STORE_PREFIX)) || 'n/a'}${stores ? ` | data stores: ${stores}` : ''}${row.loadgenCpuPercent === null ? '' : ` | load generator ${num(row.loadgenCpuPercent, 0)} % of a core`}`,
  ];
  if (Object.keys(row.costs.fetchesPerOp).length > 1) {
    out.push(`fetches/op by subgraph: ${byName(row.costs.fetchesPerOp, 2)}; internal calls/op: ${byName(row.costs.internalCallsPerOp, 2)}`);
  }
  if (row.costs.cache) out.push(`cache: ${row.costs.cache.source}: ${row.costs.cache.hits} hits, ${row.costs.cache.misses} misses`);
  const warmupErrors = Number(row.extra.warmupErrors ?? 0);
  if (warmupErrors > 0) out.push(`warm-up (not measured): ${row.extra.warmupAnswered} answered, ${warmupErrors} errors (failed and dropped requests included)`);
  if (row.errors.total > 0 || warmupErrors > 0) {
    const e = row.errors;
    out.push(`errors: non-2xx ${e.non2xx} (${Object.entries(e.statusCodes).map(([s, n]) => `${s}: ${n}`).join(', ')}), socket ${e.socket}, timeouts ${e.timeouts}, dropped (rate not sustained) ${e.dropped}, GraphQL/content ${e.graphql}`);
    for (const sample of e.samples) out.push(`  e.g. ${sample.replace(/\s+/g, ' ')}`);
  }
  return out.map((l) => `    ${l}`);
}

const verdict = (t: Target) => (t.met === null ? 'n/a   ' : t.met ? 'met   ' : 'MISSED');

/** Prints one scenario's table, details, notes and targets. */
export function printScenario(report: ScenarioReport): void {
  console.log(`\n## ${report.name}: ${report.title} (${report.seconds.toFixed(0)} s)`);
  if (report.error) console.log(`  COULD NOT RUN${report.rows.length ? ' TO THE END' : ''}: ${report.error}`);
  if (report.rows.length) {
    console.log(header());
    for (const row of report.rows) {
      console.log(line(row));
      for (const detail of details(row)) console.log(detail);
    }
  }
  for (const note of report.notes) console.log(`  ${note}`);
  for (const target of report.targets) console.log(`  target ${verdict(target)} ${target.what} (${target.actual})`);
}

/** Prints every row of the run in one table, and the targets' tally. */
export function printSummary(reports: readonly ScenarioReport[], floorOpsPerSec: number | undefined): void {
  const columns: Column[] = [{ title: 'scenario', width: 18, value: () => '', left: true }, ...COLUMNS];
  console.log(`\n## Summary${floorOpsPerSec ? ` (HTTP+Redis floor: ${num(floorOpsPerSec)} ops/s)` : ''}`);
  console.log(header(columns));
  for (const report of reports) {
    if (!report.rows.length) console.log(`${report.name.padEnd(18)} ${report.error ? `could not run: ${report.error}` : 'no rows'}`);
    for (const row of report.rows) console.log(`${report.name.slice(0, 18).padEnd(18)} ${line(row)}`);
  }
  const targets = reports.flatMap((r) => r.targets.map((t) => ({ scenario: r.name, ...t })));
  if (targets.length) {
    console.log(`\ntargets: ${targets.filter((t) => t.met).length} met, ${targets.filter((t) => t.met === false).length} missed, ${targets.filter((t) => t.met === null).length} unknown`);
    for (const t of targets) console.log(`  ${verdict(t)} ${t.scenario}: ${t.what} (${t.actual})`);
  }
}

/** Writes the run's figures as JSON (NaN becomes null). */
export function writeJson(path: string, content: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(content, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
}
