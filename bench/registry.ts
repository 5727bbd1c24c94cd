/**
 * Every scenario `npm run bench` knows, in the order a run performs them. To add one, add a
 * line: either a `Scenario` (see scenario.ts; it gets the running fleet), or, for a module that
 * brings its own platform and prints its own figures, `external(name, file, exportName, title)`:
 * `bench/<file>` exporting `(options: { durationMs: number; concurrency: number }) => Promise<void>`.
 * An external module that is not on the branch is skipped in a full run and reported as
 * unavailable when asked for by name.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BaseContext, Scenario, ScenarioOutcome } from './scenario.ts';
import { floor, floorAgain } from './scenarios/floor.ts';
import { liveSync } from './scenarios/live.ts';
import { mixed, soak } from './scenarios/mixed.ts';
import { cartView, cartViewFirst, productPage, productPageFirst } from './scenarios/reads.ts';
import { addLine, addOneCart, checkout } from './scenarios/writes.ts';
import { eventsPipeline } from './scenarios/events.ts';
import { flashSale } from './scenarios/flashsale.ts';
import { tracingCost } from './scenarios/tracing.ts';
import { consumersCost } from './scenarios/consumers.ts';

export type ExternalBench = (options: { durationMs: number; concurrency: number }) => Promise<void>;

export type RegisteredScenario = Scenario & {
  /** False when the scenario's module is not on this branch. */
  available(): boolean;
  /** Compares its rows with the floor, so a run that includes it measures the floor first. */
  usesFloor: boolean;
};

const own = (scenario: Scenario, usesFloor = false): RegisteredScenario => ({ ...scenario, usesFloor, available: () => true });

/** A scenario module of its own (see the header). */
export function external(name: string, file: string, exportName: string, title: string): RegisteredScenario & { needsFleet: false; run(ctx: BaseContext): Promise<ScenarioOutcome> } {
  const url = new URL(file, import.meta.url);
  return {
    name,
    title,
    main: true,
    needsFleet: false,
    usesFloor: false,
    available: () => existsSync(fileURLToPath(url)),
    async run(ctx: BaseContext): Promise<ScenarioOutcome> {
      // A computed specifier, so the typecheck passes on branches without the module.
      const module: Record<string, unknown> = await import(url.href);
      const bench = module[exportName];
      if (typeof bench !== 'function') throw new Error(`bench/${file} does not export a function ${exportName}`);
      await (bench as ExternalBench)({ durationMs: ctx.settings.BENCH_DURATION_MS, concurrency: ctx.settings.BENCH_CONCURRENCY });
      return { rows: [], notes: [`bench/${file} (${exportName}) started what it needs and printed its own figures above`], targets: [] };
    },
  };
}

export const SCENARIOS: RegisteredScenario[] = [
  own(floor),
  own(cartView, true),
  own(cartViewFirst, true),
  own(productPage, true),
  own(productPageFirst, true),
  own(addLine, true),
  own(addOneCart),
  own(checkout),
  own(liveSync),
  own(mixed),
  own(floorAgain),
  own(eventsPipeline),
  own(flashSale),
  own(soak),
  own(tracingCost, true),
  own(consumersCost, true),
];
