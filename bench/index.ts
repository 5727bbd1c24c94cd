/**
 * `npm run bench [-- <scenario>...]`: prints throughput and latency figures for each scenario
 * (cart, catalog, checkout, subscriptions; default all). Uses the test Postgres and Redis, each
 * scenario on its own fresh database. Figures only: a benchmark never fails on timing.
 */
import { ensureTemplate } from '@platform/e2e/support';
import { runCartBench } from './cart.ts';

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);

type Scenario = () => Promise<void>;
const scenarios: Record<string, Scenario> = {
  cart: () => runCartBench({ durationMs, concurrency, users: 200 }),
};

// Scenarios that live in their own modules are loaded when present.
const optional: Record<string, () => Promise<Scenario>> = {
  catalog: async () => {
    const { runCatalogBench } = await import('./catalog.ts');
    return () => runCatalogBench({ durationMs, concurrency });
  },
  pricing: async () => {
    const { runPricingBench } = await import('./pricing.ts');
    return () => runPricingBench({ durationMs, concurrency, users: 50 });
  },
  checkout: async () => {
    const { runCheckoutBench } = await import('./checkout.ts');
    return () => runCheckoutBench({ buyers: 50 });
  },
  flashsale: async () => {
    const { runFlashSaleBench } = await import('./flashsale.ts');
    return () => runFlashSaleBench({ durationMs, concurrency });
  },
  subscriptions: async () => {
    const { runSubscriptionBench } = await import('./subscriptions.ts');
    return () => runSubscriptionBench({ devices: 2_000, mutations: 50 });
  },
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : ['catalog', 'pricing', 'cart', 'checkout', 'subscriptions'];
console.log(`# Benchmarks (${names.join(', ')}); BENCH_DURATION_MS=${durationMs}, BENCH_CONCURRENCY=${concurrency}`);
await ensureTemplate();
for (const name of names) {
  const run = scenarios[name] ?? (await optional[name]?.());
  if (!run) {
    console.error(`unknown scenario ${name}; choose from ${[...Object.keys(scenarios), ...Object.keys(optional)].join(', ')}`);
    process.exit(2);
  }
  await run();
}
