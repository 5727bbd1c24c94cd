/**
 * Two configurations of the fleet compared in one run (tracing-cost, consumers-cost): each half
 * starts a fresh fleet and database with its options, measures the cart view (repeated and on the
 * federated path) and addCartLine, and stops it; the notes give each row's ratio second / first in
 * ops/s, server CPU per op (and which services it moved in) and p99. Both halves share the run's
 * floor.
 */
import { Dataset } from '../data.ts';
import { fleetRunning, startFleet, stopFleet, type Fleet, type FleetOptions } from '../fleet.ts';
import type { Row } from '../measure.ts';
import { num } from '../report.ts';
import type { BaseContext, ScenarioOutcome } from '../scenario.ts';
import { cartView, cartViewFirst } from './reads.ts';
import { addLine } from './writes.ts';

export interface Half {
  /** Prefixes its rows' labels: `tracing off`, `with consumers`, ... */
  label: string;
  options: FleetOptions;
  /** Runs after the measurements, on the still running fleet: more notes (or a throw, when the half measured nothing). */
  after?: (fleet: Fleet) => Promise<string[]>;
}

const fmt = (n: number | undefined | null) => num(n, 2);

/** Services whose CPU per op moved by at least 0.1 ms between `before` and `after`, biggest first. */
function movedBy(before: Row, after: Row): string {
  const services = Object.keys(after.costs.cpuMsPerOp).filter((s) => s !== 'total' && s !== 'loadgen');
  const moves = services
    .map((s) => [s, (after.costs.cpuMsPerOp[s] ?? 0) - (before.costs.cpuMsPerOp[s] ?? 0)] as const)
    .filter(([, d]) => Math.abs(d) >= 0.1)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  return moves.length ? `; ${moves.map(([s, d]) => `${s} ${d > 0 ? '+' : ''}${fmt(d)}`).join(', ')} ms` : '';
}

export async function compareFleets(ctx: BaseContext, name: string, [first, second]: [Half, Half]): Promise<ScenarioOutcome> {
  if (fleetRunning()) throw new Error(`${name} starts fleets of its own: the shared fleet must be stopped first (bench/index.ts runs it last)`);
  const rows: Row[] = [];
  const measuredBy = new Map<Half, Row[]>();
  const notes = ['each half on a fresh fleet and database; compare the CPU per op first (steadiest on a shared machine)'];
  for (const half of [first, second]) {
    let problem: string | undefined;
    const fleet = await startFleet(ctx.settings, (service, how) => (problem ??= `${service} exited unexpectedly (${how})`), half.options);
    try {
      const fleetCtx = { ...ctx, fleet, data: new Dataset(fleet) };
      const measured: Row[] = [];
      for (const scenario of [cartView, cartViewFirst, addLine]) measured.push(...(await scenario.run(fleetCtx)).rows);
      if (problem) throw new Error(`${half.label}: ${problem}`);
      notes.push(...((await half.after?.(fleet)) ?? []));
      for (const row of measured) row.label = `${half.label}: ${row.label}`;
      measuredBy.set(half, measured);
      rows.push(...measured);
    } finally {
      await stopFleet();
    }
  }
  measuredBy.get(first)!.forEach((before, i) => {
    const after = measuredBy.get(second)![i]!;
    const cpu = (row: Row) => row.costs.cpuMsPerOp.total ?? Number.NaN;
    notes.push(
      `${before.label.replace(`${first.label}: `, '')}: ${second.label} / ${first.label} = ${fmt(after.opsPerSec / before.opsPerSec)}x ops/s, ${fmt(cpu(after) / cpu(before))}x server CPU per op (${fmt(cpu(before))} -> ${fmt(cpu(after))} ms${movedBy(before, after)}), p99 ${fmt(before.latencyMs.p99)} -> ${fmt(after.latencyMs.p99)} ms`,
    );
  });
  return { rows, notes, targets: [] };
}
