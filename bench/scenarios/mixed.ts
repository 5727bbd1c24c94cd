/**
 * The mixed workload, 100 reads to 1 write, at a fixed rate (open loop: requests leave on
 * schedule whatever the answers do): reads are repeated cart views of the 200 viewers and
 * anonymous product pages over 500 products; writes are addCartLine by those same viewers (so
 * some views that follow are first views). `mixed` is the issue's 1,000 requests/s for 60 s;
 * `soak` (only on request) runs it at BENCH_SOAK_RATE for BENCH_SOAK_SECONDS and reports shed
 * requests (HTTP 503) and each service's memory at the start and the end.
 */
import { ADD_LINE, CART_VIEW, EXPECT_ADDED, EXPECT_CART, EXPECT_PRODUCT, PRODUCT_PAGE, graphqlRequest } from '../data.ts';
import type { RequestSpec } from '../load-spec.ts';
import type { Row } from '../measure.ts';
import { parsePrometheus, sumSamples } from '../prometheus.ts';
import { readRssMb } from '../proc.ts';
import { atLeast, atMost, measureOnFleet, type FleetContext, type Scenario, type ScenarioOutcome } from '../scenario.ts';

const READS_PER_WRITE = 100;
const BLOCKS = 40;

async function mixedPool(ctx: FleetContext): Promise<RequestSpec[]> {
  const [users, ids, products] = await Promise.all([ctx.data.viewUsers(), ctx.data.catalogIds(), ctx.data.benchProducts()]);
  const pool: RequestSpec[] = [];
  let view = 0;
  let page = 0;
  for (let block = 0; block < BLOCKS; block++) {
    for (let r = 0; r < READS_PER_WRITE; r++) {
      // Strides that share no factor with the list lengths visit every user and product.
      if (r % 2 === 0) pool.push(graphqlRequest(CART_VIEW, {}, users[(view++ * 7) % users.length]!.token, EXPECT_CART));
      else pool.push(graphqlRequest(PRODUCT_PAGE, { id: ids[(page++ * 13) % ids.length]! }, undefined, EXPECT_PRODUCT));
    }
    const writer = users[(block * 37) % users.length]!;
    pool.push(graphqlRequest(ADD_LINE, { input: { productId: products[(block * 3) % products.length]!.id, quantity: 1 } }, writer.token, EXPECT_ADDED));
  }
  return pool;
}

/** The mixed pool, its reads sent once already (set-up, before any reading is taken). */
async function preparedPool(ctx: FleetContext): Promise<RequestSpec[]> {
  const pool = await mixedPool(ctx);
  await ctx.data.prime(ctx.fleet.gateway.origin, pool.filter((r) => !r.body?.includes('addCartLine')));
  return pool;
}

async function paced(ctx: FleetContext, pool: RequestSpec[], label: string, rate: number, seconds: number): Promise<Row> {
  const connections = 2 * ctx.settings.BENCH_CONCURRENCY;
  const row = await measureOnFleet(ctx, ctx.fleet.gateway, label, { mode: 'paced', origin: ctx.fleet.gateway.origin, connections, rate, durationMs: seconds * 1000, warmupMs: ctx.settings.BENCH_WARMUP_MS, pool });
  const full = (row.perSecond ?? []).slice(0, seconds); // the last entry holds only the tail of in-flight answers
  row.extra.minAnswersPerSecond = full.length ? Math.min(...full) : 0;
  row.extra.maxAnswersPerSecond = full.length ? Math.max(...full) : 0;
  return row;
}

const describeLoad = (ctx: FleetContext) =>
  `open loop: requests leave evenly spaced over ${2 * ctx.settings.BENCH_CONCURRENCY} keep-alive connections, latency counted from the scheduled send time; per ${READS_PER_WRITE + 1} requests: ${READS_PER_WRITE / 2} cart views (200 users), ${READS_PER_WRITE / 2} product pages (500 products), 1 addCartLine`;

export const mixed: Scenario = {
  name: 'mixed',
  title: 'Mixed 100:1 at a fixed rate',
  main: true,
  needsFleet: true,
  async run(ctx): Promise<ScenarioOutcome> {
    const rate = ctx.settings.BENCH_MIXED_RATE;
    const seconds = ctx.settings.BENCH_MIXED_SECONDS;
    const row = await paced(ctx, await preparedPool(ctx), `${rate} requests/s for ${seconds} s`, rate, seconds);
    return {
      rows: [row],
      notes: [describeLoad(ctx), `answers per second: min ${row.extra.minAnswersPerSecond}, max ${row.extra.maxAnswersPerSecond}`],
      targets: [atLeast(`sustained ${rate}/s (successful answers per second)`, row.opsPerSec, rate * 0.99, '/s'), atMost('p99 <= 50 ms', row.latencyMs.p99, 50, ' ms'), atMost('0 errors', row.errors.total, 0, '', 0)],
    };
  },
};

export const soak: Scenario = {
  name: 'soak',
  title: 'Soak: the mixed workload, bounded',
  main: false,
  needsFleet: true,
  async run(ctx): Promise<ScenarioOutcome> {
    const rate = ctx.settings.BENCH_SOAK_RATE;
    const seconds = ctx.settings.BENCH_SOAK_SECONDS;
    const rss = () => Object.fromEntries(ctx.fleet.processes.map((p) => [p.name, readRssMb(p.pid)]));
    const pool = await preparedPool(ctx);
    const rssStart = rss(); // after the set-up, so growth is what the soak itself caused (warm-up included)
    // The gateway's memory over time, to tell growth that levels off (caches filling) from a leak.
    const series: { rss: number; heap: number; entries: number }[] = [];
    const sample = async () => {
      const text = await fetch(`${ctx.fleet.gateway.origin}/metrics`).then((r) => r.text(), () => '');
      const scrape = parsePrometheus(text);
      series.push({ rss: readRssMb(ctx.fleet.gateway.pid) ?? Number.NaN, heap: sumSamples(scrape, 'nodejs_heap_size_used_bytes') / 2 ** 20, entries: sumSamples(scrape, 'gateway_response_cache_entries') });
    };
    const everyMs = Math.max(10, Math.round(seconds / 15)) * 1000;
    await sample();
    const timer = setInterval(() => void sample(), everyMs);
    const row = await paced(ctx, pool, `${rate} requests/s for ${seconds} s`, rate, seconds).finally(() => clearInterval(timer));
    await sample();
    const rssEnd = rss();
    const shed = row.errors.statusCodes['503'] ?? 0;
    const mb = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(0)} MiB`);
    for (const p of ctx.fleet.processes) {
      row.extra[`rssStartMb.${p.name}`] = rssStart[p.name] ?? Number.NaN;
      row.extra[`rssEndMb.${p.name}`] = rssEnd[p.name] ?? Number.NaN;
    }
    row.extra.shed503 = shed;
    // Of every request the schedule called for: answered ones, and those that failed or were dropped.
    const attempted = row.ops + row.errors.socket + row.errors.timeouts + row.errors.dropped;
    row.extra.errorRatePercent = attempted > 0 ? (100 * row.errors.total) / attempted : Number.NaN;
    return {
      rows: [row],
      notes: [
        describeLoad(ctx),
        `error rate ${(row.extra.errorRatePercent as number).toFixed(3)} % (${row.errors.total} of ${attempted} requests scheduled); shed (HTTP 503 from the gateway): ${shed}; p99 ${row.latencyMs.p99.toFixed(1)} ms`,
        `RSS start -> end: ${ctx.fleet.processes.map((p) => `${p.name} ${mb(rssStart[p.name])} -> ${mb(rssEnd[p.name])}`).join(', ')}`,
        `gateway every ${everyMs / 1000} s: RSS MiB ${series.map((m) => m.rss.toFixed(0)).join(' ')}; heap used MiB ${series.map((m) => m.heap.toFixed(0)).join(' ')}; response cache entries ${series.map((m) => m.entries).join(' ')}`,
      ],
      targets: [],
    };
  },
};
