import { describe, expect, it } from 'vitest';
import { histogramBuckets, parsePrometheus, sumSamples } from './prometheus.ts';
import { costsBetween, type Reading } from './readings.ts';

// As prom-client writes it (default label `service`, a labelled counter not yet incremented).
const CART_METRICS = `# HELP http_request_duration_seconds HTTP request duration by route, method and status
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.005",route="/graphql",method="POST",status="200",service="cart"} 90
http_request_duration_seconds_bucket{le="+Inf",route="/graphql",method="POST",status="200",service="cart"} 100
http_request_duration_seconds_count{route="/graphql",method="POST",status="200",service="cart"} 100
http_request_duration_seconds_count{route="/graphql",method="POST",status="400",service="cart"} 3
http_request_duration_seconds_count{route="/internal",method="POST",status="200",service="cart"} 7
http_request_duration_seconds_count{route="/metrics",method="GET",status="200",service="cart"} 2
# HELP cart_cache_lookups_total Cart cache lookups by result
# TYPE cart_cache_lookups_total counter
cart_cache_lookups_total{result="hit",service="cart"} 40
cart_cache_lookups_total{result="miss",service="cart"} 10
# HELP gateway_response_cache_lookups_total never counted yet
# TYPE gateway_response_cache_lookups_total counter
process_cpu_seconds_total{service="cart"} 1.5
odd_label{path="a \\"quoted\\" \\\\ value"} 1
`;

describe('parsePrometheus', () => {
  const scrape = parsePrometheus(CART_METRICS);

  it('sums samples whose labels match, over every other label', () => {
    expect(sumSamples(scrape, 'http_request_duration_seconds_count', { route: '/graphql' })).toBe(103);
    expect(sumSamples(scrape, 'http_request_duration_seconds_count', { route: '/internal' })).toBe(7);
    expect(sumSamples(scrape, 'http_request_duration_seconds_count')).toBe(112);
    expect(sumSamples(scrape, 'cart_cache_lookups_total', { result: 'hit' })).toBe(40);
    expect(sumSamples(scrape, 'no_such_metric')).toBe(0);
  });

  it('knows a declared metric that has no sample yet', () => {
    expect([...scrape.declared].sort()).toEqual(['cart_cache_lookups_total', 'gateway_response_cache_lookups_total', 'http_request_duration_seconds']);
    expect(sumSamples(scrape, 'gateway_response_cache_lookups_total')).toBe(0);
  });

  it('reads unlabelled samples, escaped label values and +Inf bounds', () => {
    expect(sumSamples(scrape, 'process_cpu_seconds_total')).toBe(1.5);
    expect(scrape.samples.find((s) => s.name === 'odd_label')?.labels).toEqual({ path: 'a "quoted" \\ value' });
    expect(histogramBuckets(scrape, 'http_request_duration_seconds', { route: '/graphql' })).toEqual([
      { le: 0.005, count: 90 },
      { le: Infinity, count: 100 },
    ]);
  });
});

describe('costsBetween', () => {
  const reading = (cpu: Record<string, number>, graphql: number, internal: number, hits: number, misses: number): Reading => ({
    cpuMs: cpu,
    scrapes: {
      cart: parsePrometheus(
        `# TYPE cart_cache_lookups_total counter\ncart_cache_lookups_total{result="hit"} ${hits}\ncart_cache_lookups_total{result="miss"} ${misses}\n` +
          `http_request_duration_seconds_count{route="/graphql",status="200"} ${graphql}\nhttp_request_duration_seconds_count{route="/internal",status="200"} ${internal}\n`,
      ),
      gateway: parsePrometheus('# TYPE http_request_duration_seconds histogram\n'),
    },
  });

  it('divides what each process did between the readings by the operations', () => {
    const before = reading({ gateway: 1_000, cart: 500, loadgen: 50 }, 10, 0, 100, 5);
    const after = reading({ gateway: 1_400, cart: 600, loadgen: 250 }, 210, 50, 280, 25);
    const costs = costsBetween(before, after, 200, { services: ['gateway', 'cart'], subgraphs: ['cart'], gateway: 'gateway' });
    expect(costs.cpuMs).toEqual({ gateway: 400, cart: 100, loadgen: 200 });
    expect(costs.cpuMsPerOp).toEqual({ gateway: 2, cart: 0.5, loadgen: 1, total: 2.5 }); // the total counts services only
    expect(costs.fetchesPerOp).toEqual({ cart: 1, total: 1 });
    expect(costs.internalCallsPerOp).toEqual({ cart: 0.25, total: 0.25 });
    // The gateway declares no response-cache counter, so the cart's is reported.
    expect(costs.cache).toEqual({ source: 'cart cart_cache_lookups_total', hits: 180, misses: 20, rate: 0.9 });
  });

  it('prefers the gateway response cache when the gateway has one', () => {
    const withCache = (hits: number, misses: number): Reading => ({
      cpuMs: {},
      scrapes: { gateway: parsePrometheus(`# TYPE gateway_response_cache_lookups_total counter\ngateway_response_cache_lookups_total{result="hit"} ${hits}\ngateway_response_cache_lookups_total{result="miss"} ${misses}\n`) },
    });
    expect(costsBetween(withCache(0, 0), withCache(30, 10), 40, { services: [], subgraphs: [], gateway: 'gateway' }).cache).toEqual({ source: 'gateway gateway_response_cache_lookups_total', hits: 30, misses: 10, rate: 0.75 });
  });

  it('reports no cache figure when neither counter exists, and NaN per op without operations', () => {
    const empty: Reading = { cpuMs: { gateway: 5 }, scrapes: {} };
    const costs = costsBetween(empty, empty, 0, { services: ['gateway'], subgraphs: ['cart'], gateway: 'gateway' });
    expect(costs.cache).toBeNull();
    expect(costs.cpuMsPerOp.total).toBeNaN();
    expect(costs.fetchesPerOp.cart).toBeNaN();
  });
});
