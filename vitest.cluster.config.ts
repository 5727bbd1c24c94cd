/**
 * `npm run test:cluster`: the end-to-end suite against the scale-out topology (real processes:
 * HAProxy, 2 gateways, 2 of each subgraph, Redis Cluster, PgBouncer, a streaming replica), which
 * the suite starts once and stops at the end. One file, run alone: its fault tests kill parts of
 * the topology the other tests use.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const resolve = { alias: { '@cart-platform/sdk': fileURLToPath(new URL('./packages/sdk/src/index.ts', import.meta.url)) } };

export default defineConfig({
  resolve,
  test: {
    name: 'cluster',
    include: ['e2e/topology/**/*.suite.ts'],
    globalSetup: ['e2e/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
