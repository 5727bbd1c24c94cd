/**
 * What tracing costs, in one run: the fleet started with tracing off (no OpenTelemetry SDK
 * loaded), the cart view (repeated and on the federated path) and addCartLine measured, the
 * fleet stopped; then started again with tracing at the services' default sampling (5 %, spans
 * exported to the in-bench OTLP sink) and the same rows measured. Both halves share the run's
 * floor, and the notes give each row's ratio traced / off (ops/s and server CPU per operation).
 * It starts fleets of its own, so the runner runs it after the shared fleet has stopped: `npm run bench -- tracing-cost`.
 */
import { Dataset } from '../data.ts';
import { fleetRunning, startFleet, stopFleet } from '../fleet.ts';
import type { Row } from '../measure.ts';
import { num } from '../report.ts';
import type { BaseContext, Scenario, ScenarioOutcome } from '../scenario.ts';
import { cartView, cartViewFirst } from './reads.ts';
import { addLine } from './writes.ts';

const MODES = ['off', 'default'] as const;
const fmt = (n: number | undefined | null) => num(n, 2);

export const tracingCost: Scenario = {
  name: 'tracing-cost',
  title: 'Tracing off vs default sampling (the fleet restarted between them, one floor)',
  main: false,
  ownFleet: true,
  needsFleet: false,
  async run(ctx: BaseContext): Promise<ScenarioOutcome> {
    if (fleetRunning()) throw new Error('tracing-cost starts fleets of its own: the shared fleet must be stopped first (bench/index.ts runs it last)');
    const rows: Row[] = [];
    const byMode: Record<string, Row[]> = {};
    for (const mode of MODES) {
      let problem: string | undefined;
      const fleet = await startFleet(ctx.settings, (name, how) => (problem ??= `${name} exited unexpectedly (${how})`), { tracing: mode });
      try {
        const fleetCtx = { ...ctx, fleet, data: new Dataset(fleet) };
        const measured: Row[] = [];
        for (const scenario of [cartView, cartViewFirst, addLine]) measured.push(...(await scenario.run(fleetCtx)).rows);
        if (problem) throw new Error(`tracing ${mode}: ${problem}`);
        for (const row of measured) row.label = `tracing ${mode}: ${row.label}`;
        byMode[mode] = measured;
        rows.push(...measured);
      } finally {
        await stopFleet();
      }
    }
    const notes = byMode.off!.map((off, i) => {
      const on = byMode.default![i]!;
      return `${off.label.replace('tracing off: ', '')}: default / off = ${fmt(on.opsPerSec / off.opsPerSec)}x ops/s, ${fmt((on.costs.cpuMsPerOp.total ?? Number.NaN) / (off.costs.cpuMsPerOp.total ?? Number.NaN))}x server CPU per op (${fmt(off.costs.cpuMsPerOp.total)} -> ${fmt(on.costs.cpuMsPerOp.total)} ms)`;
    });
    return { rows, notes: ['each half on a fresh fleet and database; compare the CPU per op first (steadiest on a shared machine)', ...notes], targets: [] };
  },
};
