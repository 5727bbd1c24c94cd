/**
 * What a scenario is to the runner: a name, a title, whether a run without names includes it,
 * whether it needs the service fleet, and a `run` that returns its rows, notes and the issue's
 * targets checked against them. Also the small helpers every scenario shares.
 */
import type { Dataset } from './data.ts';
import { SUBGRAPH_NAMES, type Fleet, type ServiceProcess } from './fleet.ts';
import type { LoadSpec } from './load-spec.ts';
import { measureLoad, type Row } from './measure.ts';
import type { BenchSettings } from './settings.ts';

/** One of the targets, checked: `met` is null when the figure is unknown. */
export interface Target {
  what: string;
  met: boolean | null;
  actual: string;
}

export interface ScenarioOutcome {
  rows: Row[];
  notes: string[];
  targets: Target[];
}

export interface ScenarioReport extends ScenarioOutcome {
  name: string;
  title: string;
  seconds: number;
  /** Why the scenario could not run or did not finish; its rows are then partial or empty. */
  error?: string;
}

export interface BaseContext {
  settings: BenchSettings;
  /** Environment for the bench's own child processes. */
  env: NodeJS.ProcessEnv;
  /** The floor rows of this run, once measured (ratios divide by `redis`). */
  floor: { http?: Row; redis?: Row };
}

export interface FleetContext extends BaseContext {
  fleet: Fleet;
  data: Dataset;
}

interface ScenarioBase {
  name: string;
  title: string;
  /** Part of `npm run bench` without scenario names. */
  main: boolean;
  /** Starts fleets of its own (other settings): the runner runs it after the shared fleet has stopped. */
  ownFleet?: boolean;
}

export type Scenario = (ScenarioBase & { needsFleet: true; run(ctx: FleetContext): Promise<ScenarioOutcome> }) | (ScenarioBase & { needsFleet: false; run(ctx: BaseContext): Promise<ScenarioOutcome> });

/** Measures `spec` as load on the fleet through `gateway`, every service process watched. */
export function measureOnFleet(ctx: FleetContext, gateway: ServiceProcess, label: string, spec: LoadSpec): Promise<Row> {
  const { fleet } = ctx;
  return measureLoad(spec, {
    label,
    watched: fleet.processes.map((p) => ({ name: p.name, pid: p.pid, origin: p.origin })),
    services: fleet.processes.map((p) => p.name),
    subgraphs: [...SUBGRAPH_NAMES],
    gateway: gateway.name,
    env: ctx.env,
    floorOpsPerSec: ctx.floor.redis?.opsPerSec,
  });
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** `value <= limit` (a NaN value is unknown, not met). */
export function atMost(what: string, value: number, limit: number, unit = '', digits = 1): Target {
  return { what, met: Number.isFinite(value) ? value <= limit : null, actual: `${fmt(value, digits)}${unit}` };
}

/** `value >= limit`. */
export function atLeast(what: string, value: number, limit: number, unit = '', digits = 1): Target {
  return { what, met: Number.isFinite(value) ? value >= limit : null, actual: `${fmt(value, digits)}${unit}` };
}

/**
 * Every subgraph at most `limit` fetches per op. The metrics are read while the load runs, so
 * up to one request per client straddles each reading: those may add `clients` ops' fetches.
 */
export function fetchesAtMost(what: string, row: Row, limit: number): Target {
  const per = SUBGRAPH_NAMES.map((s) => [s, row.costs.fetchesPerOp[s] ?? Number.NaN] as const);
  const known = per.every(([, v]) => Number.isFinite(v));
  const slack = row.ops > 0 ? (limit * row.clients) / row.ops : 0;
  return { what, met: known ? per.every(([, v]) => v <= limit + slack + 1e-9) : null, actual: per.map(([s, v]) => `${s} ${fmt(v, 2)}`).join(', ') };
}

/** The run's warm-up and measured durations, and the closed-loop client count, from the settings. */
export function durations(ctx: BaseContext): { durationMs: number; warmupMs: number; clients: number } {
  return { durationMs: ctx.settings.BENCH_DURATION_MS, warmupMs: ctx.settings.BENCH_WARMUP_MS, clients: ctx.settings.BENCH_CONCURRENCY };
}
