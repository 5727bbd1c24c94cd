/**
 * Three projects: `unit` (pure logic and tooling, fast), `e2e` (the real gateway and subgraphs
 * on real Postgres and Redis; each file starts its own isolated stack) and `browser` (the
 * storefront in Chromium, each file with its own stack). The e2e global setup (`e2e/support`)
 * builds the template database once; the browser one also builds the storefront when stale.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The SDK from source inside the repository (its package exports point at the built dist/).
const resolve = { alias: { '@cart-platform/sdk': fileURLToPath(new URL('./packages/sdk/src/index.ts', import.meta.url)) } };

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          // Unit tests run first, then the end-to-end files with their own worker limit.
          sequence: { groupOrder: 0 },
          include: ['packages/*/src/**/*.test.ts', 'scripts/**/*.test.ts', 'gateway/src/**/*.test.ts', 'subgraphs/*/src/**/*.test.ts', 'bench/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve,
        test: {
          name: 'e2e',
          sequence: { groupOrder: 1 },
          include: ['gateway/test/**/*.test.ts', 'subgraphs/*/test/**/*.test.ts', 'e2e/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['e2e/support/global-setup.ts'],
          // The shard guard: every file's cart and order statements recorded, checked at teardown.
          setupFiles: ['e2e/support/shard-guard-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // Two cores: a few stacks at a time keep Postgres and the CPU from thrashing.
          maxWorkers: 2,
        },
      },
      {
        resolve,
        test: {
          // The storefront in real Chromium, after the e2e files: a browser next to the
          // concurrency tests would eat the CPU their timing budgets assume.
          name: 'browser',
          sequence: { groupOrder: 2 },
          include: ['storefront/test/**/*.test.ts'],
          globalSetup: ['e2e/support/global-setup.ts', 'storefront/test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
