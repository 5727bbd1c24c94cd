/**
 * The whole-stack harness for end-to-end tests and benchmarks. It imports the apps and the
 * migration and seed scripts, which is why it lives here and not in `packages/testing`: nothing
 * under `packages/` may depend on what is built on top of it.
 */
export * from './database.ts';
export * from './live.ts';
export * from './stack.ts';
export * from './events.ts';
export * from './webhooks.ts';
export * from './smtp.ts';
export * from './consumers.ts';
export * from './processes.ts';
export * from './pgbouncer.ts';
export * from './sql-recorder.ts';
export * from './replica.ts';
export * from './redis-cluster.ts';
export * from './shard-guard.ts';
