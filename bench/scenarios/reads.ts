/**
 * The read scenarios. "Repeated" reads go to the production gateway (response cache on) and
 * read what has not changed since the last read: every request was sent once before measuring.
 * "First view" reads go to the second gateway, whose response cache is off, so every request
 * takes the full federated path while the subgraphs' own caches stay warm.
 */
import { CART_VIEW, EXPECT_CART, EXPECT_PRODUCT, PRODUCT_PAGE, graphqlRequest } from '../data.ts';
import type { ServiceProcess } from '../fleet.ts';
import type { Row } from '../measure.ts';
import { atLeast, atMost, durations, fetchesAtMost, measureOnFleet, type FleetContext, type Scenario, type ScenarioOutcome } from '../scenario.ts';
import type { RequestSpec } from '../load-spec.ts';

async function closedRead(ctx: FleetContext, gateway: ServiceProcess, label: string, pool: RequestSpec[]): Promise<Row> {
  const { durationMs, warmupMs, clients } = durations(ctx);
  await ctx.data.prime(gateway.origin, pool);
  return measureOnFleet(ctx, gateway, `${label}, ${clients} clients`, { mode: 'closed', origin: gateway.origin, connections: clients, durationMs, warmupMs, pool });
}

/** Says so when the gateway has no response cache yet: then both gateways run the same path. */
function cacheNote(row: Row, cacheOff = false): string {
  if (row.costs.cache?.source.startsWith('gateway')) return `cache figure: ${row.costs.cache.source}`;
  if (cacheOff) return `cache figure: ${row.costs.cache?.source ?? 'none'} (this gateway's response cache is off)`;
  return `the gateway exposes no gateway_response_cache_lookups_total, so it has no response cache (yet): "repeated" and "first view" take the same federated path; cache figure: ${row.costs.cache?.source ?? 'none'}`;
}

const cartPool = async (ctx: FleetContext) => (await ctx.data.viewUsers()).map((u) => graphqlRequest(CART_VIEW, {}, u.token, EXPECT_CART));
const productPool = async (ctx: FleetContext) => (await ctx.data.catalogIds()).map((id) => graphqlRequest(PRODUCT_PAGE, { id }, undefined, EXPECT_PRODUCT));

export const cartView: Scenario = {
  name: 'cart-view',
  title: 'Repeated cart view (5-line cart, nothing changed since the last read)',
  main: true,
  needsFleet: true,
  async run(ctx): Promise<ScenarioOutcome> {
    const pool = await cartPool(ctx);
    const row = await closedRead(ctx, ctx.fleet.gateway, 'repeated cart view', pool);
    return {
      rows: [row],
      notes: [`${pool.length} users round-robin, each with a 5-line cart, each view read once before the warm-up`, cacheNote(row)],
      targets: [atLeast('ops/s >= 40 % of the HTTP+Redis floor', 100 * (row.ratioToFloor ?? Number.NaN), 40, ' %'), atMost('p99 <= 50 ms', row.latencyMs.p99, 50, ' ms'), atMost('no subgraph fetch', row.costs.fetchesPerOp.total ?? Number.NaN, 0, ' fetches/op', 2)],
    };
  },
};

export const cartViewFirst: Scenario = {
  name: 'cart-view-first',
  title: 'First cart view after a change (full federated path: gateway response cache off)',
  main: true,
  needsFleet: true,
  async run(ctx): Promise<ScenarioOutcome> {
    const pool = await cartPool(ctx);
    const row = await closedRead(ctx, ctx.fleet.gatewayNoCache, 'cart view, federated path', pool);
    return {
      rows: [row],
      notes: [`the gateway process with RESPONSE_CACHE_ENABLED=false; ${pool.length} users round-robin; the subgraphs' caches are warm`, cacheNote(row, true)],
      targets: [atMost('server CPU <= 5 ms per view', row.costs.cpuMsPerOp.total ?? Number.NaN, 5, ' ms', 2), fetchesAtMost('at most one fetch per subgraph', row, 1), atMost('p99 <= 100 ms', row.latencyMs.p99, 100, ' ms')],
    };
  },
};

export const productPage: Scenario = {
  name: 'product-page',
  title: 'Repeated product page (anonymous)',
  main: true,
  needsFleet: true,
  async run(ctx): Promise<ScenarioOutcome> {
    const pool = await productPool(ctx);
    const row = await closedRead(ctx, ctx.fleet.gateway, 'repeated product page', pool);
    return {
      rows: [row],
      notes: [`${pool.length} demo catalog products round-robin, each page read once before the warm-up`, cacheNote(row)],
      targets: [atLeast('ops/s >= 40 % of the HTTP+Redis floor', 100 * (row.ratioToFloor ?? Number.NaN), 40, ' %')],
    };
  },
};

export const productPageFirst: Scenario = {
  name: 'product-page-first',
  title: 'Product page on the federated path (gateway response cache off, anonymous)',
  main: true,
  needsFleet: true,
  async run(ctx): Promise<ScenarioOutcome> {
    const pool = await productPool(ctx);
    const row = await closedRead(ctx, ctx.fleet.gatewayNoCache, 'product page, federated path', pool);
    return {
      rows: [row],
      notes: [`the gateway process with RESPONSE_CACHE_ENABLED=false; ${pool.length} products round-robin; the subgraphs' caches are warm`, cacheNote(row, true)],
      targets: [atMost('server CPU <= 2 ms per view', row.costs.cpuMsPerOp.total ?? Number.NaN, 2, ' ms', 2)],
    };
  },
};
