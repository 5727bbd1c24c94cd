/**
 * One measured row: start the load generator process with a spec, let it warm up, take the
 * "before" readings, let it run, take the "after" readings, and turn the lot into the figures
 * every scenario prints (ops/s, latency percentiles, errors, CPU and fetches per op, cache hits,
 * ratio to the floor).
 */
import { startChild } from './child.ts';
import type { LoadResult, LoadSpec } from './load-spec.ts';
import { costsBetween, takeReading, type Costs, type Reading, type Watched } from './readings.ts';
import { summarize, type LatencySummary } from './stats.ts';

export interface Row {
  label: string;
  /** Connections of the load generator (for fixed-rate rows: connections, with `rate` set). */
  clients: number;
  rate?: number;
  /** Requests answered (any HTTP status). */
  ops: number;
  /** Of which fully successful. */
  ok: number;
  seconds: number;
  /** Successful operations per second. */
  opsPerSec: number;
  latencyMs: LatencySummary;
  errors: { total: number; non2xx: number; socket: number; timeouts: number; dropped: number; graphql: number; statusCodes: Record<string, number>; samples: string[] };
  costs: Costs;
  /** opsPerSec / the HTTP+Redis floor's; null where a ratio means nothing (fixed rate, bursts). */
  ratioToFloor: number | null;
  /** CPU of the load generator process in % of one core: near 100 means it, not the services, set the pace. */
  loadgenCpuPercent: number | null;
  perSecond?: number[];
  typenames?: Record<string, number>;
  /** Scenario-specific figures (max latency of a burst, lost updates, ...). */
  extra: Record<string, number | string>;
}

export interface RowOptions {
  label: string;
  /** Processes whose CPU and metrics are read (services, or a floor server). */
  watched: Watched[];
  /** Names in `watched` that make up the CPU total. */
  services: string[];
  subgraphs: string[];
  /** The gateway the load goes to (for the response-cache figure). */
  gateway: string;
  env: NodeJS.ProcessEnv;
  /** ops/s of the HTTP+Redis floor, when the row is compared with it. */
  floorOpsPerSec?: number | undefined;
}

const LOADGEN = new URL('./loadgen.ts', import.meta.url);

/** Turns a load result and two readings into a row. */
export function toRow(result: LoadResult, before: Reading, after: Reading, spec: LoadSpec, options: RowOptions, loadgenCpuMs: number | undefined): Row {
  const non2xx = Object.entries(result.statusCodes).reduce((n, [code, count]) => (Number(code) >= 200 && Number(code) < 300 ? n : n + count), 0);
  const opsPerSec = result.seconds > 0 ? result.ok / result.seconds : 0;
  const clients = spec.mode === 'burst' ? spec.requests.length : spec.mode === 'closed' && spec.lanes ? spec.lanes.length : spec.connections;
  return {
    label: options.label,
    clients,
    ...(spec.mode === 'paced' ? { rate: spec.rate } : {}),
    ops: result.answered,
    ok: result.ok,
    seconds: result.seconds,
    opsPerSec,
    latencyMs: summarize(result.latenciesMs),
    errors: {
      total: non2xx + result.socketErrors + result.timeouts + result.dropped + result.graphqlErrors,
      non2xx,
      socket: result.socketErrors,
      timeouts: result.timeouts,
      dropped: result.dropped,
      graphql: result.graphqlErrors,
      statusCodes: result.statusCodes,
      samples: result.errorSamples,
    },
    costs: costsBetween(before, after, result.answered, { services: options.services, subgraphs: options.subgraphs, gateway: options.gateway }),
    ratioToFloor: spec.mode === 'closed' && options.floorOpsPerSec ? opsPerSec / options.floorOpsPerSec : null,
    loadgenCpuPercent: loadgenCpuMs === undefined || result.seconds <= 0 ? null : (100 * loadgenCpuMs) / (result.seconds * 1000),
    ...(spec.mode !== 'burst' ? { perSecond: result.perSecond } : {}),
    ...(spec.countTypenames ? { typenames: result.typenames } : {}),
    extra: {},
  };
}

/** Runs `spec` in a load generator process and measures it. */
export async function measureLoad(spec: LoadSpec, options: RowOptions): Promise<Row> {
  const child = startChild(LOADGEN, spec, options.env);
  try {
    const ready = await child.next<{ type: 'ready'; warmupAnswered: number; warmupErrors: number; warmupSamples: string[] }>('ready');
    const watched = [...options.watched, { name: 'loadgen', pid: child.pid }];
    const before = await takeReading(watched);
    child.send('go');
    const result = await child.next<LoadResult>('result');
    const after = await takeReading(watched);
    child.send('done');
    await child.exited;
    const loadgen = after.cpuMs.loadgen !== undefined && before.cpuMs.loadgen !== undefined ? after.cpuMs.loadgen - before.cpuMs.loadgen : undefined;
    delete after.cpuMs.loadgen;
    delete before.cpuMs.loadgen;
    const row = toRow(result, before, after, spec, options, loadgen);
    if (spec.mode !== 'burst') Object.assign(row.extra, { warmupAnswered: ready.warmupAnswered, warmupErrors: ready.warmupErrors });
    if (ready.warmupErrors > 0) row.errors.samples.push(...ready.warmupSamples.map((s) => `(warm-up) ${s}`));
    return row;
  } finally {
    child.kill();
  }
}
