/**
 * What the event stream's consumers cost the request paths, in one run. Both halves stream to NATS
 * JetStream (every relay publishes the outboxes); the first runs no consumer (EVENTS_CONSUMERS=false
 * on every service), the second runs every one of them (cart analytics, product affinity, partner
 * webhooks, abandoned-cart reminders) in the same processes that serve the requests, while they
 * work through the events the measured rows make. The cart view (repeated and on the federated
 * path) and addCartLine are measured in each (compare.ts); the notes give each row's ratio with /
 * without, the services whose CPU per op moved, and what the consumers handled, so "unchanged" is a
 * figure. (What publishing the stream itself costs is the event stream's figure, not theirs.)
 * It starts fleets of its own, so the runner runs it after the shared fleet has stopped: `npm run bench -- consumers-cost`.
 */
import { benchNatsUrl, type Fleet } from '../fleet.ts';
import { parsePrometheus, sumSamples } from '../prometheus.ts';
import type { BaseContext, Scenario, ScenarioOutcome } from '../scenario.ts';
import { compareFleets } from './compare.ts';

/** Events the consumers of every subgraph handled, and how many are still behind the stream head. */
async function consumerTotals(fleet: Fleet): Promise<{ handled: number; failed: number; lag: number }> {
  const totals = { handled: 0, failed: 0, lag: 0 };
  for (const service of Object.values(fleet.subgraphs)) {
    const scrape = parsePrometheus(await fetch(`${service.origin}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text()));
    totals.handled += sumSamples(scrape, 'events_consumed_total', { result: 'ok' });
    totals.failed += sumSamples(scrape, 'events_consumed_total', { result: 'failed' });
    totals.lag += sumSamples(scrape, 'events_consumer_lag');
  }
  return totals;
}

export const consumersCost: Scenario = {
  name: 'consumers-cost',
  title: 'Cart view and addCartLine with the event stream and no consumer vs with every consumer running (fleet restarted between, one floor)',
  main: false,
  ownFleet: true,
  needsFleet: false,
  async run(ctx: BaseContext): Promise<ScenarioOutcome> {
    const natsUrl = await benchNatsUrl(ctx.settings);
    return compareFleets(ctx, 'consumers-cost', [
      {
        label: 'consumers off',
        options: { natsUrl, env: { EVENTS_CONSUMERS: 'false' } },
        async after(fleet) {
          const totals = await consumerTotals(fleet);
          if (totals.handled > 0) throw new Error(`consumers off: ${totals.handled} events were handled by consumers that should not run`);
          return ['consumers off: the relays published to the stream, no consumer handled an event'];
        },
      },
      {
        label: 'with consumers',
        options: { natsUrl },
        async after(fleet) {
          const totals = await consumerTotals(fleet);
          if (totals.handled === 0) throw new Error('with consumers: the consumers handled no event, so this half measured nothing they cost');
          return [`with consumers: ${totals.handled} events handled by the consumers during the half (${totals.failed} failed), ${totals.lag} still behind the stream head at its end`];
        },
      },
    ]);
  },
};
