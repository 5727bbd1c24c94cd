/**
 * `npm run bench -- [scenario ...] [--json [file]]`: starts the platform as production runs it
 * (every service its own process, see fleet.ts), measures the floor, runs each scenario with
 * the load generator in its own process, prints a table per scenario and a summary, writes the
 * figures as JSON on request, and tears everything down, also on failure and on Ctrl-C.
 * Figures only: a missed target never fails the run; a scenario that cannot run is reported and
 * makes the exit code 1.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigError } from '@platform/config';
import { DEFAULT_JSON_PATH, UsageError, parseBenchArgs } from './args.ts';
import { killAllChildren } from './child.ts';
import { Dataset } from './data.ts';
import { ROOT, startFleet, stopFleet, type Fleet } from './fleet.ts';
import { readRssMb } from './proc.ts';
import { SCENARIOS, type RegisteredScenario } from './registry.ts';
import { printScenario, printSummary, writeJson } from './report.ts';
import type { BaseContext, FleetContext, ScenarioReport } from './scenario.ts';
import { loadBenchSettings, type BenchSettings } from './settings.ts';

const USAGE = `usage: npm run bench -- [scenario ...] [--json [file]]  |  npm run bench -- --cluster
  scenarios (a run without names does every one marked *):
${SCENARIOS.map((s) => `    ${s.main ? '*' : ' '} ${s.name.padEnd(20)} ${s.title}${s.available() ? '' : ' (module not on this branch)'}`).join('\n')}
  --json [file]   also write every figure as JSON (default ${DEFAULT_JSON_PATH})
  --cluster       cart view and addCartLine through HAProxy on the scale-out topology, 1 vs 2 instances (bench/cluster.ts)
  settings: BENCH_DURATION_MS, BENCH_WARMUP_MS, BENCH_CONCURRENCY, ... (bench/README.md)`;

let fleetProblem: string | undefined;
let tearingDown = false;

let stopCluster: (() => Promise<void>) | undefined;

async function teardown(): Promise<void> {
  tearingDown = true;
  killAllChildren();
  await stopFleet();
  await stopCluster?.();
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (tearingDown) return;
    console.error(`\nbench: ${signal}: stopping the services and removing the bench's database and Redis keys`);
    void teardown().finally(() => process.exit(130));
  });
}

/** The scenarios to run, in registry order; the floor joins whenever a chosen one compares with it. */
function choose(names: string[]): { run: RegisteredScenario[]; skipped: RegisteredScenario[] } {
  if (names.length === 0) {
    const main = SCENARIOS.filter((s) => s.main);
    return { run: main.filter((s) => s.available()), skipped: main.filter((s) => !s.available()) };
  }
  const wanted = new Set(names);
  if (SCENARIOS.some((s) => wanted.has(s.name) && s.usesFloor)) wanted.add('floor');
  return { run: SCENARIOS.filter((s) => wanted.has(s.name)), skipped: [] };
}

async function runScenario(scenario: RegisteredScenario, base: BaseContext, fleetContext: FleetContext | undefined): Promise<ScenarioReport> {
  const started = performance.now();
  const report = (fields: Partial<ScenarioReport>): ScenarioReport => ({ name: scenario.name, title: scenario.title, rows: [], notes: [], targets: [], seconds: (performance.now() - started) / 1000, ...fields });
  if (!scenario.available()) return report({ error: `its module is not on this branch (see bench/registry.ts)` });
  if (scenario.needsFleet && fleetProblem) return report({ error: `not run: ${fleetProblem}` });
  try {
    const outcome = scenario.needsFleet ? await scenario.run(fleetContext!) : await scenario.run(base);
    return report({ ...outcome, ...(scenario.needsFleet && fleetProblem ? { error: `during the run: ${fleetProblem}` } : {}) });
  } catch (error) {
    return report({ error: error instanceof Error ? error.message : String(error) });
  }
}

function settingsShown(settings: BenchSettings): Record<string, number> {
  return Object.fromEntries(Object.entries(settings).filter(([k, v]) => k.startsWith('BENCH_') && typeof v === 'number')) as Record<string, number>;
}

async function main(): Promise<number> {
  const settings = loadBenchSettings();
  const args = parseBenchArgs(process.argv.slice(2), new Set(SCENARIOS.map((s) => s.name)));
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const { run, skipped } = choose(args.scenarios);
  const startedAt = new Date();
  const loadStart = os.loadavg();
  console.log(`# npm run bench: ${run.map((s) => s.name).join(', ')}`);
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);
  console.log(`settings: ${Object.entries(settingsShown(settings)).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  for (const s of skipped) console.log(`skipped: ${s.name} (bench/ has no module for it on this branch)`);

  const base: BaseContext = { settings, env: { ...settings.childEnv, NODE_ENV: 'production' }, floor: {} };
  let fleet: Fleet | undefined;
  const reports: ScenarioReport[] = [];
  let rss: Record<string, { start?: number; end?: number }> = {};
  try {
    if (run.some((s) => s.needsFleet && !s.ownFleet)) {
      const t0 = performance.now();
      console.log('starting the services (4 subgraphs, 2 gateways), each its own process ...');
      fleet = await startFleet(settings, (name, how) => {
        if (!tearingDown) fleetProblem ??= `${name} exited unexpectedly (${how})`;
      });
      console.log(`services ready in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${fleet.processes.map((p) => `${p.name} pid ${p.pid} :${p.port}`).join(', ')}`);
      console.log(`database ${fleet.database.name} (dropped at the end), Redis key prefix ${fleet.redisPrefix}`);
      rss = Object.fromEntries(fleet.processes.map((p) => [p.name, { start: readRssMb(p.pid) }]));
    }
    const fleetContext = fleet ? { ...base, fleet, data: new Dataset(fleet) } : undefined;
    for (const scenario of run.filter((s) => !s.ownFleet)) {
      // The contexts share `floor`, so the floor measured first is every later scenario's.
      const report = await runScenario(scenario, base, fleetContext && { ...fleetContext, floor: base.floor });
      reports.push(report);
      printScenario(report);
    }
    for (const p of fleet?.processes ?? []) rss[p.name] = { ...rss[p.name], end: readRssMb(p.pid) };
    // The scenarios that start fleets of their own come last, on a machine without the shared one.
    const own = run.filter((s) => s.ownFleet);
    if (own.length && fleet) await stopFleet();
    for (const scenario of own) {
      const report = await runScenario(scenario, base, undefined);
      reports.push(report);
      printScenario(report);
    }
  } finally {
    await teardown();
  }

  printSummary(reports, base.floor.redis?.opsPerSec);
  if (args.jsonPath) {
    const target = path.resolve(args.jsonPath === DEFAULT_JSON_PATH ? ROOT : (settings.INIT_CWD ?? process.cwd()), args.jsonPath);
    writeJson(target, {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { cores: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadAverageStart: loadStart, loadAverageEnd: os.loadavg() },
      settings: settingsShown(settings),
      processes: fleet?.processes.map((p) => ({ name: p.name, pid: p.pid, rssStartMb: rss[p.name]?.start, rssEndMb: rss[p.name]?.end })) ?? [],
      floor: { httpOpsPerSec: base.floor.http?.opsPerSec, httpRedisOpsPerSec: base.floor.redis?.opsPerSec },
      skipped: skipped.map((s) => s.name),
      scenarios: reports,
    });
    console.log(`\nJSON: ${target}`);
  }
  const failed = reports.filter((r) => r.error);
  if (failed.length) console.error(`\nbench: ${failed.length} scenario(s) could not run: ${failed.map((r) => r.name).join(', ')}`);
  return failed.length ? 1 : 0;
}

const entry = process.argv.includes('--cluster')
  ? import('./cluster.ts').then((m) => ((stopCluster = m.stopClusterBench), m.runClusterBench()))
  : main();
entry.then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(`bench: ${error instanceof UsageError ? `${error.message}\n${USAGE}` : error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}`);
    await teardown().catch(() => undefined);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
