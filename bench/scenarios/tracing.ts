/**
 * What tracing costs, in one run: the fleet started with tracing off (no OpenTelemetry SDK
 * loaded), the cart view (repeated and on the federated path) and addCartLine measured, the
 * fleet stopped; then started again with tracing at the services' default sampling (5 %, spans
 * exported to the in-bench OTLP sink) and the same rows measured (compare.ts). It starts fleets
 * of its own, so the runner runs it after the shared fleet has stopped: `npm run bench -- tracing-cost`.
 */
import type { BaseContext, Scenario, ScenarioOutcome } from '../scenario.ts';
import { compareFleets } from './compare.ts';

export const tracingCost: Scenario = {
  name: 'tracing-cost',
  title: 'Tracing off vs default sampling (the fleet restarted between them, one floor)',
  main: false,
  ownFleet: true,
  needsFleet: false,
  run(ctx: BaseContext): Promise<ScenarioOutcome> {
    return compareFleets(ctx, 'tracing-cost', [
      { label: 'tracing off', options: { tracing: 'off' } },
      { label: 'tracing default', options: { tracing: 'default' } },
    ]);
  },
};
