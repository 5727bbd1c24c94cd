/**
 * The write scenarios: addCartLine over distinct users (one user per connection, so a user's
 * adds never wait on each other), 50 concurrent adds to one cart (every add answered, none
 * lost), and 50 concurrent buyers checking out 2-3 line carts. All through the production
 * gateway.
 */
import { randomBytes } from 'node:crypto';
import { ADDRESS, ADD_LINE, CART_TOTAL, CHECKOUT, EXPECT_ADDED, EXPECT_ORDER, graphqlRequest, parallel } from '../data.ts';
import type { Row } from '../measure.ts';
import { atLeast, atMost, durations, measureOnFleet, type FleetContext, type Scenario, type ScenarioOutcome, type Target } from '../scenario.ts';

const BURST = 50;
/** Bursts warm up with one unmeasured round (round 0) unless BENCH_WARMUP_MS=0. */
const warmupRound = (ctx: FleetContext) => (ctx.settings.BENCH_WARMUP_MS > 0 ? 0 : 1);
const run = randomBytes(3).toString('hex'); // user ids and idempotency keys stay unique across runs on one database

/** `Order 48, (none) 2`: the first `__typename` of each answer (`(none)` for a GraphQL error). */
const describeOutcomes = (row: Row) => Object.entries(row.typenames ?? {}).map(([t, n]) => `${t} ${n}`).join(', ');

async function addLanes(ctx: FleetContext, clients: number): Promise<Row> {
  const { durationMs, warmupMs } = durations(ctx);
  const products = await ctx.data.benchProducts();
  const users = await ctx.data.users(`bench-adder-${run}-${clients}`, clients);
  // Each lane cycles 10 products, so lines grow by ~1 per 10 adds and stay far below 999.
  const lanes = users.map((u, i) => Array.from({ length: 10 }, (_, k) => graphqlRequest(ADD_LINE, { input: { productId: products[(i + k) % products.length]!.id, quantity: 1 } }, u.token, EXPECT_ADDED)));
  return measureOnFleet(ctx, ctx.fleet.gateway, `addCartLine, ${clients} clients (a user each)`, { mode: 'closed', origin: ctx.fleet.gateway.origin, connections: clients, durationMs, warmupMs, lanes, countTypenames: true });
}

export const addLine: Scenario = {
  name: 'add-line',
  title: 'addCartLine over distinct users',
  main: true,
  needsFleet: true,
  async run(ctx): Promise<ScenarioOutcome> {
    const wide = await addLanes(ctx, ctx.settings.BENCH_CONCURRENCY);
    const narrow = await addLanes(ctx, 8);
    return {
      rows: [wide, narrow],
      notes: ['every connection is its own user with its own cart; each add is quantity 1 of one of 10 products; outcomes other than Cart count as errors'],
      targets: [
        atLeast(`>= 400 ops/s at ${wide.clients} clients`, wide.opsPerSec, 400, ' ops/s'),
        atMost('server CPU <= 5 ms per add', wide.costs.cpuMsPerOp.total ?? Number.NaN, 5, ' ms', 2),
        atMost('p50 <= 10 ms at 8 clients', narrow.latencyMs.p50, 10, ' ms'),
        atMost('p99 <= 30 ms at 8 clients', narrow.latencyMs.p99, 30, ' ms'),
      ],
    };
  },
};

export const addOneCart: Scenario = {
  name: 'add-one-cart',
  title: '50 concurrent adds to one cart',
  main: true,
  needsFleet: true,
  async run(ctx): Promise<ScenarioOutcome> {
    const products = (await ctx.data.benchProducts()).slice(0, 5);
    const rows: Row[] = [];
    let warmup: string | undefined;
    // Round 0 is an unmeasured warm-up (JIT, connection pools), unless warm-ups are off.
    for (let round = warmupRound(ctx); round <= ctx.settings.BENCH_BURST_ROUNDS; round++) {
      const user = await ctx.data.user(`bench-hot-${run}-${round}`);
      await ctx.data.fillCart(user, 1); // the cart exists: the burst measures adds, not its creation
      const requests = Array.from({ length: BURST }, (_, i) => graphqlRequest(ADD_LINE, { input: { productId: products[i % products.length]!.id, quantity: 1 } }, user.token, EXPECT_ADDED));
      const row = await measureOnFleet(ctx, ctx.fleet.gateway, `round ${round}: ${BURST} adds at once`, { mode: 'burst', origin: ctx.fleet.gateway.origin, warmupMs: 0, requests, countTypenames: true });
      // Every acknowledged add must be in the cart: 1 (the set-up line) + each Cart answer.
      const { cart } = await ctx.data.as<{ cart: { totalQuantity: number } | null }>(user, CART_TOTAL);
      row.extra.acknowledged = row.typenames?.Cart ?? 0;
      row.extra.lostAcknowledgedAdds = 1 + (row.typenames?.Cart ?? 0) - (cart?.totalQuantity ?? 0);
      if (round > 0) rows.push(row);
      else warmup = `warm-up round: ${row.errors.total} errors, ${row.extra.lostAcknowledgedAdds} acknowledged adds lost, max ${row.latencyMs.max.toFixed(1)} ms`;
    }
    const worst = Math.max(...rows.map((r) => r.latencyMs.max));
    return {
      rows,
      notes: [`after ${warmup ?? 'no warm-up round'}; each round a fresh user's cart (one line already), ${BURST} addCartLine at once over ${BURST} connections; max latency ${worst.toFixed(1)} ms; lost acknowledged adds per round: ${rows.map((r) => r.extra.lostAcknowledgedAdds).join(', ')}`],
      targets: [
        atMost('all answered within 1 s (max latency)', worst, 1_000, ' ms'),
        atMost('no errors', rows.reduce((n, r) => n + r.errors.total, 0), 0, '', 0),
        atMost('no acknowledged add lost', rows.reduce((n, r) => n + Number(r.extra.lostAcknowledgedAdds), 0), 0, '', 0),
      ],
    };
  },
};

export const checkout: Scenario = {
  name: 'checkout',
  title: 'Checkout: 50 concurrent buyers (2-3 line carts)',
  main: true,
  needsFleet: true,
  async run(ctx): Promise<ScenarioOutcome> {
    const buyers = await ctx.data.users(`bench-buyer-${run}`, BURST);
    const rows: Row[] = [];
    let warmup: string | undefined;
    for (let round = warmupRound(ctx); round <= ctx.settings.BENCH_BURST_ROUNDS; round++) {
      // Set-up, not measured: each buyer fills a fresh cart with 2 or 3 lines.
      const versions = await parallel(buyers, 16, (buyer, i) => ctx.data.fillCart(buyer, 2 + (i % 2), i * 3 + round));
      const requests = buyers.map((buyer, i) =>
        graphqlRequest(CHECKOUT, { input: { idempotencyKey: `bench-${run}-${round}-${i}`, expectedCartVersion: versions[i], shippingAddress: ADDRESS, paymentToken: 'tok_ok' } }, buyer.token, EXPECT_ORDER),
      );
      const row = await measureOnFleet(ctx, ctx.fleet.gateway, `round ${round}: ${BURST} checkouts at once`, { mode: 'burst', origin: ctx.fleet.gateway.origin, warmupMs: 0, requests, countTypenames: true });
      if (round > 0) rows.push(row);
      else warmup = `warm-up round: ${describeOutcomes(row)}, max ${row.latencyMs.max.toFixed(1)} ms`;
    }
    const outcomes = rows.map(describeOutcomes);
    const targets: Target[] = [atMost('p99 <= 1 s (worst round)', Math.max(...rows.map((r) => r.latencyMs.p99)), 1_000, ' ms'), atMost('no errors', rows.reduce((n, r) => n + r.errors.total, 0), 0, '', 0)];
    return { rows, notes: [`after ${warmup ?? 'no warm-up round'}; outcomes per round: ${outcomes.join(' | ')}; test payment provider (tok_ok), stock far above demand`], targets };
  },
};
