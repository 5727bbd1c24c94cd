/**
 * Live sync: BENCH_LIVE_DEVICES devices (graphql-ws, one per owner) spread over
 * BENCH_LIVE_PROCESSES device processes, all on the production gateway; then one change per
 * owner. Delivery is timed client side (the device receiving the version against the
 * mutation's response) and, when the gateway has it, from its own histogram
 * `gateway_cart_update_delivery_seconds` (commit to payload sent).
 */
import { randomBytes } from 'node:crypto';
import { startChild, type BenchChild } from '../child.ts';
import { ADD_LINE, LIVE_SUBSCRIPTION } from '../data.ts';
import { SUBGRAPH_NAMES } from '../fleet.ts';
import type { LiveInput, LiveResult } from '../live-devices.ts';
import type { Row } from '../measure.ts';
import { parsePrometheus, sumSamples } from '../prometheus.ts';
import { costsBetween, histogramBetween, takeReading } from '../readings.ts';
import { histogramQuantile, summarize } from '../stats.ts';
import { atMost, type FleetContext, type Scenario, type ScenarioOutcome } from '../scenario.ts';

const DEVICES = new URL('../live-devices.ts', import.meta.url);
const run = randomBytes(3).toString('hex');

/** Live subscriptions the gateway holds, from its `/metrics`. */
async function liveSubscriptions(origin: string): Promise<number> {
  const response = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(5_000) });
  return sumSamples(parsePrometheus(await response.text()), 'gateway_cart_subscriptions');
}

async function waitForSubscriptions(origin: string, wanted: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = await liveSubscriptions(origin).catch(() => seen);
    if (seen >= wanted) return seen;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return seen;
}

export const liveSync: Scenario = {
  name: 'live-sync',
  title: 'Live sync: connected devices, one change per owner',
  main: true,
  needsFleet: true,
  async run(ctx: FleetContext): Promise<ScenarioOutcome> {
    const { fleet } = ctx;
    const count = ctx.settings.BENCH_LIVE_DEVICES;
    const processes = Math.min(ctx.settings.BENCH_LIVE_PROCESSES, count);
    const products = (await ctx.data.benchProducts()).slice(0, 5).map((p) => p.id);
    const users = await ctx.data.users(`bench-live-${run}`, count);
    const concurrency = Math.max(1, Math.floor(ctx.settings.BENCH_CONCURRENCY / processes));
    const children: BenchChild[] = [];
    try {
      for (let p = 0; p < processes; p++) {
        const tokens = users.filter((_, i) => i % processes === p).map((u) => u.token);
        const input: LiveInput = { origin: fleet.gateway.origin, tokens, productIds: products, subscription: LIVE_SUBSCRIPTION, mutation: ADD_LINE, concurrency, waitMs: 30_000 };
        children.push(startChild(DEVICES, input, ctx.env));
      }
      const connected = await Promise.all(children.map((c) => c.next<{ type: 'connected'; devices: number; failed: number; seconds: number }>('connected', 10 * 60_000)));
      const devices = connected.reduce((n, c) => n + c.devices, 0);
      const subscriptions = await waitForSubscriptions(fleet.gateway.origin, devices, 120_000);

      const watched = [...fleet.processes.map((p) => ({ name: p.name, pid: p.pid, origin: p.origin })), ...children.map((c, i) => ({ name: `devices-${i + 1}`, pid: c.pid }))];
      const before = await takeReading(watched);
      for (const c of children) c.send('go');
      const results = await Promise.all(children.map((c) => c.next<LiveResult>('result', 10 * 60_000)));
      const after = await takeReading(watched);
      for (const c of children) c.send('done');
      await Promise.all(children.map((c) => c.exited));

      const changes = results.reduce((n, r) => n + r.changes, 0);
      const delays = results.flatMap((r) => r.delaysMs);
      const missing = results.reduce((n, r) => n + r.missing, 0);
      const outOfOrder = results.reduce((n, r) => n + r.outOfOrder, 0);
      const mutationErrors = results.reduce((n, r) => n + r.mutationErrors, 0);
      const seconds = (Math.max(...results.map((r) => r.lastReceiptAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
      const deviceCpuMs = children.reduce((n, _, i) => n + ((after.cpuMs[`devices-${i + 1}`] ?? 0) - (before.cpuMs[`devices-${i + 1}`] ?? 0)), 0);
      for (let i = 1; i <= children.length; i++) {
        delete after.cpuMs[`devices-${i}`];
        delete before.cpuMs[`devices-${i}`];
      }
      const histogram = histogramBetween(before, after, 'gateway', 'gateway_cart_update_delivery_seconds');
      const observed = histogram[histogram.length - 1]?.count ?? 0;
      const gatewayMs = (q: number) => 1000 * histogramQuantile(histogram, q);
      const mutations = summarize(results.flatMap((r) => r.mutationLatenciesMs));
      const row: Row = {
        label: `cartUpdated to ${devices} devices`,
        clients: devices,
        ops: changes,
        ok: delays.length,
        seconds,
        opsPerSec: seconds > 0 ? delays.length / seconds : 0,
        latencyMs: summarize(delays),
        errors: { total: mutationErrors + missing + outOfOrder, non2xx: 0, socket: 0, timeouts: 0, dropped: 0, graphql: mutationErrors, statusCodes: {}, samples: [] },
        costs: costsBetween(before, after, changes, { services: fleet.processes.map((p) => p.name), subgraphs: [...SUBGRAPH_NAMES], gateway: 'gateway' }),
        ratioToFloor: null,
        loadgenCpuPercent: seconds > 0 ? (100 * deviceCpuMs) / (seconds * 1000 * children.length) : null,
        extra: {
          deliveries: delays.length,
          deliveriesPerSec: seconds > 0 ? delays.length / seconds : 0,
          missing,
          outOfOrder,
          early: results.reduce((n, r) => n + r.early, 0),
          mutationErrors,
          mutationP50Ms: mutations.p50,
          mutationP99Ms: mutations.p99,
          gatewayHistogramCount: observed,
          ...(observed > 0 ? { gatewayP50Ms: gatewayMs(0.5), gatewayP95Ms: gatewayMs(0.95), gatewayP99Ms: gatewayMs(0.99) } : {}),
        },
      };
      const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
      return {
        rows: [row],
        notes: [
          `latency columns = delivery delay: a device receiving the version its owner's mutation produced, minus that mutation's HTTP response (${row.extra.early} came first and count as 0); ops/s = deliveries/s`,
          `${devices} devices (${connected.map((c) => `${c.devices} in ${c.seconds.toFixed(1)} s`).join(', ')}; ${connected.reduce((n, c) => n + c.failed, 0)} failed to connect), ${subscriptions} live subscriptions on the gateway; ${changes} changes, ${concurrency} in flight per device process`,
          `missing ${missing}, out of order ${outOfOrder}, failed mutations ${mutationErrors}; mutation latency p50 ${fmt(mutations.p50)} ms, p99 ${fmt(mutations.p99)} ms`,
          observed > 0
            ? `gateway_cart_update_delivery_seconds (commit to payload sent, ${observed} observed): p50 ${fmt(gatewayMs(0.5))} ms, p95 ${fmt(gatewayMs(0.95))} ms, p99 ${fmt(gatewayMs(0.99))} ms (interpolated within buckets)`
            : 'gateway_cart_update_delivery_seconds: nothing observed',
          `CPU per op and fetches per op are per change (its mutation and its delivery); the device processes used ${fmt(row.loadgenCpuPercent ?? Number.NaN)} % of a core each`,
        ],
        targets: [atMost('delivery p99 <= 100 ms (client side)', row.latencyMs.p99, 100, ' ms'), atMost('nothing missing or out of order', missing + outOfOrder, 0, '', 0)],
      };
    } finally {
      for (const c of children) c.kill();
    }
  },
};
