/**
 * What the event stream's consumers cost the request paths, in one run: the fleet started without
 * a stream (no relay publishing, no consumer), the cart view (repeated and on the federated path)
 * and addCartLine measured, the fleet stopped; then started again streaming to NATS JetStream
 * with every consumer running (cart analytics, product affinity, partner webhooks, abandoned-cart
 * reminders) and the same rows measured while the consumers work through the events those rows
 * make. Both halves share the run's floor; the notes give each row's ratio with / without
 * (ops/s and server CPU per operation) and what the consumers handled, so "unchanged" is a figure.
 * It starts fleets of its own, so the runner runs it after the shared fleet has stopped: `npm run bench -- consumers-cost`.
 */
import { Socket } from 'node:net';
import { Dataset } from '../data.ts';
import { fleetRunning, startFleet, stopFleet, type Fleet } from '../fleet.ts';
import type { Row } from '../measure.ts';
import { parsePrometheus, sumSamples } from '../prometheus.ts';
import { num } from '../report.ts';
import type { BaseContext, Scenario, ScenarioOutcome } from '../scenario.ts';
import { cartView, cartViewFirst } from './reads.ts';
import { addLine } from './writes.ts';

const fmt = (n: number | undefined | null) => num(n, 2);

/** Resolves when something listens at the NATS URL's first host:port, else rejects with why. */
async function reachable(natsUrl: string): Promise<void> {
  const url = new URL(natsUrl.split(',')[0]!);
  await new Promise<void>((resolve, reject) => {
    const socket = new Socket();
    socket.setTimeout(2_000, () => socket.destroy(new Error('timed out')));
    socket.once('error', (error) => reject(new Error(`no NATS server at ${url.host} (${error.message}); start one (npm test's preflight does) or set BENCH_NATS_URL`)));
    socket.connect(Number(url.port || 4222), url.hostname, () => {
      socket.end();
      resolve();
    });
  });
}

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
  title: 'Cart view and addCartLine without the event stream vs with every consumer running (fleet restarted between, one floor)',
  main: false,
  ownFleet: true,
  needsFleet: false,
  async run(ctx: BaseContext): Promise<ScenarioOutcome> {
    if (fleetRunning()) throw new Error('consumers-cost starts fleets of its own: the shared fleet must be stopped first (bench/index.ts runs it last)');
    const natsUrl = ctx.settings.BENCH_NATS_URL ?? ctx.settings.TEST_NATS_URL;
    await reachable(natsUrl);
    const rows: Row[] = [];
    const halves: { label: string; rows: Row[] }[] = [];
    const notes: string[] = ['each half on a fresh fleet and database; compare the CPU per op first (steadiest on a shared machine)'];
    for (const half of [{ label: 'without stream', natsUrl: null }, { label: 'with consumers', natsUrl }] as const) {
      let problem: string | undefined;
      const fleet = await startFleet(ctx.settings, (name, how) => (problem ??= `${name} exited unexpectedly (${how})`), { natsUrl: half.natsUrl });
      try {
        const fleetCtx = { ...ctx, fleet, data: new Dataset(fleet) };
        const measured: Row[] = [];
        for (const scenario of [cartView, cartViewFirst, addLine]) measured.push(...(await scenario.run(fleetCtx)).rows);
        if (problem) throw new Error(`${half.label}: ${problem}`);
        if (half.natsUrl) {
          const totals = await consumerTotals(fleet);
          if (totals.handled === 0) throw new Error('with consumers: the consumers handled no event, so this half measured nothing they cost');
          notes.push(`with consumers: ${totals.handled} events handled by the consumers during the half (${totals.failed} failed), ${totals.lag} still behind the stream head at its end`);
        }
        for (const row of measured) row.label = `${half.label}: ${row.label}`;
        halves.push({ label: half.label, rows: measured });
        rows.push(...measured);
      } finally {
        await stopFleet();
      }
    }
    const [off, on] = halves as [(typeof halves)[0], (typeof halves)[0]];
    off.rows.forEach((before, i) => {
      const after = on.rows[i]!;
      notes.push(
        `${before.label.replace(`${off.label}: `, '')}: with / without = ${fmt(after.opsPerSec / before.opsPerSec)}x ops/s, ${fmt((after.costs.cpuMsPerOp.total ?? Number.NaN) / (before.costs.cpuMsPerOp.total ?? Number.NaN))}x server CPU per op (${fmt(before.costs.cpuMsPerOp.total)} -> ${fmt(after.costs.cpuMsPerOp.total)} ms), p99 ${fmt(before.latencyMs?.p99)} -> ${fmt(after.latencyMs?.p99)} ms`,
      );
    });
    return { rows, notes, targets: [] };
  },
};
