/**
 * Test helpers that need nothing above `packages/`: a GraphQL client for a running gateway,
 * admin-API fixtures, SQL, waiting on conditions and guards for union results. The harness that
 * starts the apps lives in `e2e/support` (`@platform/e2e/support`).
 */
export * from './client.ts';
export * from './fixtures.ts';
export * from './result.ts';
export * from './sql.ts';
export * from './shard-guard.ts';
export * from './tcp-proxy.ts';
export * from './wait.ts';
