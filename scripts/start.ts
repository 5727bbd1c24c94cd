/**
 * `npm start`: the whole platform on one machine, for a newcomer who has only Node.
 *
 * Without DATABASE_URL it runs an embedded Postgres under `.data/postgres` (kept between runs);
 * then it applies migrations, seeds the demo catalog (unless SEED=false), checks Redis (optional:
 * a warning when it is down), finds the event stream (NATS_URL; else a NATS server already on
 * 127.0.0.1:4222; else a local nats-server it starts with its store in `.data/nats`; else one
 * warning and no stream: events wait in the outboxes), starts the four subgraphs and, once they
 * are ready, the gateway. Then the storefront (optional: if it cannot start, one warning line says
 * why and the platform runs on). Ctrl-C stops the services (they drain), then Postgres, and exits
 * 0. If a platform service dies or does not become ready within 60 s, everything is stopped and it
 * exits 1.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DEV_DEFAULTS, databaseUrlFor } from '@platform/config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './start/embedded-postgres.ts';
import { bold, fail, printer, warn } from './start/output.ts';
import { findNatsServer, natsAnswers, startNatsServer } from './start/nats.ts';
import { portInUse, probeRedis, redact } from './start/probes.ts';
import { killServices, serviceSpecs, spawnService, stopServices, storefrontSpec, waitUntilReady, type RunningService, type ServiceSpec } from './start/services.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

const log = printer('start');
const logError = printer('start', process.stderr);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const env: NodeJS.ProcessEnv = { ...process.env };
const specs = serviceSpecs(env);
const subgraphs = [specs.cart, specs.product, specs.pricing, specs.order];
const services: RunningService[] = [];
let database: EmbeddedPostgres | undefined;
let natsServer: ChildProcess | undefined;
let stopping = false;
let stoppedAt = 0;

/** Stops services (drain, then force after 10 s), then the embedded Postgres, and exits. Runs once. */
async function shutdown(code: number, reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  stoppedAt = Date.now();
  (code ? logError : log)(code ? fail(reason) : reason);
  if (services.length) {
    const killed = await stopServices(services, STOP_GRACE_MS);
    if (killed.length) logError(warn(`force-killed after ${seconds(STOP_GRACE_MS)}: ${killed.join(', ')}`));
  }
  if (natsServer && natsServer.exitCode === null) {
    log('stopping the local NATS server');
    const exited = new Promise((resolve) => natsServer!.once('exit', resolve));
    natsServer.ref(); // it was unref'd at start; waiting for it must keep us alive
    natsServer.kill('SIGTERM');
    await exited;
  }
  if (database) {
    log('stopping the embedded Postgres');
    await database.stop().catch((error: unknown) => logError(`embedded Postgres did not stop cleanly: ${String(error)}`));
  }
  log(code ? 'stopped' : 'stopped; bye');
  process.exit(code);
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (!stopping) return void shutdown(0, `${sig}: stopping everything`);
    // npm and tsx relay the terminal's signal to us, so repeats within a second are one Ctrl-C.
    if (Date.now() - stoppedAt > 1_000) {
      logError(warn('second interrupt: killing the services now'));
      killServices(services);
    }
  });
}

/** Starts one service and treats its exit, unless we are stopping, as fatal. */
function launch(spec: ServiceSpec, childEnv: NodeJS.ProcessEnv): void {
  const service = spawnService(spec, ROOT, childEnv);
  services.push(service);
  void service.exited.then(({ code, signal }) => {
    if (!stopping) void shutdown(1, `${spec.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
  });
}

/**
 * Starts the storefront, which the platform does not need: if it cannot start (no free port, a
 * failed build, a crash) one warning line says so and everything else keeps running.
 * Resolves with its URL, or undefined.
 */
async function launchStorefront(spec: ServiceSpec, childEnv: NodeJS.ProcessEnv): Promise<string | undefined> {
  const without = (why: string) => logError(warn(`WARNING: running without the storefront: ${why}.`));
  if (await portInUse(spec.port)) return void without(`port ${spec.port} is in use (set STOREFRONT_PORT)`);
  const service = spawnService(spec, ROOT, childEnv);
  services.push(service);
  let exited = false;
  void service.exited.then(({ code, signal }) => {
    exited = true;
    if (!stopping) without(`it exited (${signal ?? `code ${code}`}; its log is above)`);
  });
  try {
    await waitUntilReady([spec], READY_TIMEOUT_MS, () => stopping || exited);
  } catch (error) {
    without(error instanceof Error ? error.message : String(error));
    service.child.kill('SIGTERM');
    return undefined;
  }
  return exited || stopping ? undefined : `http://localhost:${spec.port}/`;
}

async function main(): Promise<void> {
  const timings: string[] = [];
  const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await fn();
    timings.push(`${label} ${seconds(performance.now() - started)}`);
    return result;
  };

  for (const spec of Object.values(specs)) {
    if (await portInUse(spec.port)) {
      throw new Error(`port ${spec.port} (${spec.name}) is already in use — is an earlier \`npm start\` still running? Stop it or set ${spec.name.toUpperCase()}_PORT.`);
    }
  }

  if (!env.DATABASE_URL) {
    const port = Number(env.EMBEDDED_PG_PORT || 54329);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`EMBEDDED_PG_PORT: must be a port number (got ${JSON.stringify(env.EMBEDDED_PG_PORT)})`);
    log(`DATABASE_URL is not set: using an embedded Postgres on 127.0.0.1:${port}, data in .data/postgres`);
    const options = { dataDir: path.join(ROOT, '.data', 'postgres'), port, password: env.EMBEDDED_PG_PASSWORD || 'postgres', database: 'cart_platform', log: printer('db') };
    database = await timed('postgres', () => startEmbeddedPostgres(options));
    database.onUnexpectedExit((code, signal) => {
      // A terminal's Ctrl-C reaches Postgres too; give our own signal handler a moment to win.
      setTimeout(() => void shutdown(1, `the embedded Postgres exited unexpectedly (${signal ?? `code ${code}`})`), 1_000);
    });
    env.DATABASE_URL = database.url;
  } else {
    log(`using DATABASE_URL ${redact(env.DATABASE_URL)}`);
  }

  const { migrateAll } = await import('./db/engine.ts');
  const migrated = await timed('migrate', () => migrateAll(env, printer('db')));
  log(`migrations: ${migrated.map((m) => `${m.subgraph} ${m.applied.length ? `+${m.applied.length}` : 'up to date'}`).join(', ')}`);

  if (!['false', '0', 'no'].includes((env.SEED ?? '').toLowerCase())) {
    const { seedDemoData } = await import('./seed/index.ts');
    await timed('seed', () =>
      seedDemoData({
        productDatabaseUrl: databaseUrlFor('product', env),
        pricingDatabaseUrl: databaseUrlFor('pricing', env),
        ...(env.STORE_CURRENCY ? { currencyCode: env.STORE_CURRENCY } : {}),
        log: printer('db'),
      }),
    ); // it logs its own summary
  }

  const redisUrl = env.REDIS_URL || DEV_DEFAULTS.REDIS_URL;
  const redis = await probeRedis(redisUrl, 1_500);
  if (!redis.ok) {
    logError(warn(`WARNING: Redis at ${redact(redisUrl)} is unreachable (${redis.reason}).`));
    logError(warn('WARNING: running without cache and live cart sync (subscriptions), rate limits and idempotency on their fallbacks.'));
    logError(warn('WARNING: start Redis (`docker compose up -d redis`, or `redis-server`) and the services pick it up by themselves.'));
  }

  await timed('nats', () => findEventStream());

  const childEnv: NodeJS.ProcessEnv = {
    ...env,
    LOG_PRETTY: env.LOG_PRETTY ?? 'true',
    ...Object.fromEntries(Object.values(specs).map((s) => [`${s.name.toUpperCase()}_PORT`, String(s.port)])),
    ...Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_URL`, env[`${s.name.toUpperCase()}_URL`] || `http://127.0.0.1:${s.port}/graphql`])),
  };
  const cancelled = () => stopping;
  await timed('services', async () => {
    for (const spec of subgraphs) if (!stopping) launch(spec, childEnv);
    await waitUntilReady(subgraphs, READY_TIMEOUT_MS, cancelled);
    if (!stopping) launch(specs.gateway, childEnv);
    await waitUntilReady([specs.gateway], READY_TIMEOUT_MS, cancelled);
  });
  if (stopping) return;

  const gateway = `http://localhost:${specs.gateway.port}/graphql`;
  // The storefront's browser code calls the gateway by the URL a browser on this machine uses.
  const storefrontEnv = { ...childEnv, STOREFRONT_GATEWAY_URL: env.STOREFRONT_GATEWAY_URL || gateway };
  const storefront = await timed('storefront', () => launchStorefront(storefrontSpec(env), storefrontEnv));
  if (stopping) return;

  const query = '{ products(first: 3) { edges { node { name price { amount currencyCode } } } } }';
  log(bold(`Ready in ${seconds(process.uptime() * 1000)} (${timings.join(', ')})`));
  log(`  GraphQL  ${gateway}`);
  if (storefront) log(`  Shop     ${storefront}   (the storefront: catalog, cart, demo sign-in, checkout, live sync)`);
  log(`  Token    npm run token -- --user alice   (send it as: authorization: Bearer <token>)`);
  log(`  Try      curl -s ${gateway} -H 'content-type: application/json' \\`);
  log(`             -d '${JSON.stringify({ query })}'`);
  log(`  Stop     Ctrl-C`);
}

/** Sets NATS_URL for the services: as given, a server already on 127.0.0.1:4222, or one started here; else one warning. */
async function findEventStream(): Promise<void> {
  if (env.NATS_URL) {
    log(`event stream: NATS_URL ${redact(env.NATS_URL)}`);
    return;
  }
  const port = Number(env.EMBEDDED_NATS_PORT || 4222);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`EMBEDDED_NATS_PORT: must be a port number (got ${JSON.stringify(env.EMBEDDED_NATS_PORT)})`);
  if (await natsAnswers('127.0.0.1', port)) {
    env.NATS_URL = `nats://127.0.0.1:${port}`;
    log(`event stream: NATS_URL is not set; using the NATS server on 127.0.0.1:${port}`);
    return;
  }
  const binary = findNatsServer();
  if (!binary) {
    logError(warn('WARNING: no event stream (NATS_URL unset, nats-server not installed): events stay in the outboxes and are published once NATS_URL is set.'));
    return;
  }
  // Its own process group, so a terminal's Ctrl-C reaches us first and we stop it after the services.
  natsServer = await startNatsServer(binary, { port, storeDir: path.join(ROOT, '.data', 'nats'), detached: true });
  natsServer.once('exit', (code, signal) => {
    if (!stopping) void shutdown(1, `the local NATS server exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  process.once('exit', () => natsServer?.kill('SIGTERM'));
  env.NATS_URL = `nats://127.0.0.1:${port}`;
  log(`event stream: NATS_URL is not set; started ${binary} -js on 127.0.0.1:${port}, store in .data/nats`);
}

main().catch((error: unknown) => shutdown(1, `start-up failed: ${error instanceof Error ? error.message : String(error)}`));
