/**
 * Prisma migrations without Prisma's native schema engine (it cannot be downloaded here): the
 * wasm build of the same engine, driven through a `pg` driver adapter. Migration folders and the
 * `_prisma_migrations` table are the ones `prisma migrate deploy` uses, so the native CLI works
 * on the same database and folders.
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
} from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { databaseUrlFor, PG_SCHEMAS, SUBGRAPHS, type Env, type SubgraphName } from '@platform/config';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const CONNECT_TIMEOUT_MS = 5_000;
const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };
const LOCKFILE = 'migration_lock.toml';

export type Log = (msg: string) => void;

/** `prisma/<subgraph>/schema.prisma`, absolute. */
export const schemaPathOf = (subgraph: SubgraphName): string => path.join(REPO_ROOT, 'prisma', subgraph, 'schema.prisma');
/** `prisma/<subgraph>/migrations`, absolute. */
export const migrationsDirOf = (subgraph: SubgraphName): string => path.join(REPO_ROOT, 'prisma', subgraph, 'migrations');

/** The URL with its password replaced, safe to print. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparsable database URL>';
  }
}

const databaseOf = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1));

/**
 * The URL for `pg`: the same server and credentials, `database` (default: the URL's own), without
 * Prisma's `?schema=`. Other databases must be set in the URL: `pg` lets a connectionString
 * override a separate `database` option.
 */
function pgUrl(url: string, database = databaseOf(url)): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  u.searchParams.delete('schema');
  return u.toString();
}

const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|EAI_AGAIN|connection timeout|Connection terminated|Can't reach database/i;

/** A one-line explanation of a database failure that names the server (password hidden) and a fix. */
export function describeDbError(error: unknown, url: string): string {
  const { code, message = String(error) } = error as { code?: string; message?: string };
  const where = redactUrl(url);
  if (UNREACHABLE.test(`${code ?? ''} ${message}`)) {
    return (
      `cannot reach Postgres at ${where} (${code ?? message.split('\n')[0]!.trim()}). Start it with \`docker compose up -d\` ` +
      `(on a machine with a Postgres cluster: \`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\`), ` +
      `or set DATABASE_URL / <SUBGRAPH>_DATABASE_URL to a running server.`
    );
  }
  if (code === '28P01' || code === '28000') return `Postgres at ${where} refused the login: ${message}`;
  return `${message} (database ${where})`;
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the URL's database (connecting to `postgres` on the same server) unless it exists. Safe to race. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseOf(url);
  await withClient(pgUrl(url, 'postgres'), async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (error) {
      if ((error as { code?: string }).code !== '42P04') throw error; // duplicate_database: another process won
    }
  });
}

// A Rust panic in the engine reports its message here, then traps ("unreachable"). The trap often
// surfaces as an uncaught exception that ends the process, so print the message right away.
let lastPanic: string | undefined;
(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
  set_message: (message: string) => {
    lastPanic = message;
    console.error(`Prisma schema engine panicked: ${message}`);
  },
};

// The project's `lib` has no WebAssembly typings (they come with "DOM"); type the one call used.
const Wasm = (globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }> };
}).WebAssembly;

// Node's ESM loader cannot import the package's .wasm, so instantiate it by hand, once per process.
let wasmReady: Promise<void> | undefined;
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const dir = path.dirname(createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm'));
    const bytes = await readFile(path.join(dir, 'schema_engine_bg.wasm'));
    // The engine arms timers (e.g. a 10 s lock timeout) it never clears; unref them so a finished
    // CLI exits at once instead of waiting them out.
    const imports: Record<string, unknown> = { ...bg };
    for (const name of Object.keys(imports).filter((n) => n.startsWith('__wbg_setTimeout_'))) {
      imports[name] = (fn: () => void, ms: number) => setTimeout(fn, ms >>> 0).unref();
    }
    const { instance } = await Wasm.instantiate(bytes, { './schema_engine_bg.js': imports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return wasmReady;
}

/**
 * The adapter's `executeScript` splits on every `;` (even inside comments or strings) and runs
 * each piece on any pooled connection. Send the whole migration as one simple-protocol query
 * instead, as the native engine does: one implicit transaction, nothing half-applied.
 */
function wholeScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  adapter.executeScript = async (script) => {
    await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
  };
  return adapter;
}

type PerformIO = (query: SqlQuery) => Promise<pg.QueryResult>;
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * The engine's introspection reads pg_catalog columns of Postgres' internal type "char" (oid 18,
 * e.g. `pg_constraint.contype`), which adapter-pg 7.10 cannot map ("Column type 'char' could not
 * be deserialized"), and it reads them as characters. So: relabel them as text for the adapter's
 * type mapping, then report those columns as `Character`. The values are plain strings either way.
 * This patches the adapter's private `performIO` on this one object (and its transactions).
 */
function charColumns<T extends object>(queryable: T): T {
  const target = queryable as T & {
    performIO?: PerformIO;
    queryRaw: SqlDriverAdapter['queryRaw'];
    startTransaction?: SqlDriverAdapter['startTransaction'];
  };
  const performIO = target.performIO?.bind(target);
  if (!performIO) throw new Error('@prisma/adapter-pg changed: no performIO to patch (see charColumns in scripts/db/engine.ts)');
  const charIndexes = new WeakMap<unknown[], number[]>(); // keyed by the rows array queryRaw passes through
  target.performIO = async (query) => {
    const result = await performIO(query);
    // A multi-statement script yields one result per statement.
    for (const one of [result].flat()) {
      const indexes = (one.fields ?? []).flatMap((field, i) => (field.dataTypeID === PG_CHAR_OID ? [i] : []));
      for (const i of indexes) one.fields[i]!.dataTypeID = PG_TEXT_OID;
      if (indexes.length) charIndexes.set(one.rows, indexes);
    }
    return result;
  };
  const queryRaw = target.queryRaw.bind(target);
  target.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const i of charIndexes.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  const startTransaction = target.startTransaction?.bind(target);
  if (startTransaction) target.startTransaction = async (level) => charColumns(await startTransaction(level));
  return queryable;
}

/** Both fixes above, on a freshly connected adapter. */
const fixAdapter = (adapter: SqlDriverAdapter): SqlDriverAdapter => wholeScripts(charColumns(adapter));

/**
 * A pool whose connections all use `search_path = <schema>` (what Prisma's `?schema=` does), plus
 * the adapter's `schema` option: the engine looks for `_prisma_migrations` in that schema and
 * creates it, unqualified, through the search_path. Both are needed.
 */
function schemaPool(url: string, schema?: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: pgUrl(url),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    max: 4,
    ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
  });
  pool.on('error', () => {}); // an idle client dropped by the server must not crash the process
  return pool;
}

/**
 * Adapter factory for the engine. `connectToShadowDb` creates a uniquely named scratch database
 * and drops it on dispose; `cleanup` drops any the engine left behind.
 */
function adapterFactory(pool: pg.Pool, url: string, schema: string | undefined) {
  const shadows = new Map<string, pg.Pool>();
  const dropShadow = async (name: string) => {
    const shadowPool = shadows.get(name);
    if (!shadowPool) return;
    shadows.delete(name);
    await shadowPool.end();
    await withClient(pgUrl(url, 'postgres'), (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
  };
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: async () => fixAdapter(await new PrismaPg(pool, schema ? { schema } : undefined).connect()),
    connectToShadowDb: async () => {
      const name = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
      await withClient(pgUrl(url, 'postgres'), (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
      const shadowPool = schemaPool(pgUrl(url, name));
      shadows.set(name, shadowPool);
      const adapter = fixAdapter(await new PrismaPg(shadowPool).connect());
      adapter.dispose = () => dropShadow(name);
      return adapter;
    },
  };
  const cleanup = async () => {
    for (const name of [...shadows.keys()]) await dropShadow(name);
  };
  return { factory: bindMigrationAwareSqlAdapterFactory(factory), cleanup };
}

/** The engine reports JavaScript errors thrown by the adapter as "External error id#N"; put their text back. */
function withJsErrors(error: unknown, registry: { consumeError(id: number): { error: unknown } | undefined }): unknown {
  if (!(error instanceof Error)) return error;
  error.message = error.message.replace(/External error id#(\d+)/g, (text, id: string) => {
    const js = registry.consumeError(Number(id))?.error;
    return js instanceof Error ? `${text}: ${js.message}` : text;
  });
  return error;
}

/** Runs `fn` with a schema engine for `subgraph` on `pool`, then frees the engine and drops shadows. */
async function withEngine<T>(
  subgraph: SubgraphName,
  pool: pg.Pool,
  url: string,
  schema: string | undefined,
  log: Log | undefined,
  fn: (engine: SchemaEngine, datamodel: { path: string; content: string }) => Promise<T>,
): Promise<T> {
  await loadWasm();
  const datamodel = { path: schemaPathOf(subgraph), content: await readFile(schemaPathOf(subgraph), 'utf8') };
  const { factory, cleanup } = adapterFactory(pool, url, schema);
  const onLog = (line: string) => {
    if (!log) return;
    try {
      const { level, fields } = JSON.parse(line) as { level?: string; fields?: { message?: string } };
      const message = fields?.message ?? '';
      if (level === 'WARN' || level === 'ERROR' || message.startsWith('Applying')) log(`${subgraph}: ${message}`);
    } catch {
      log(`${subgraph}: ${line}`);
    }
  };
  let engine: SchemaEngine | undefined;
  try {
    engine = await bg.SchemaEngine.new({ datamodels: [[datamodel.path, datamodel.content]] }, onLog, factory);
    return await fn(engine, datamodel);
  } catch (error) {
    if (lastPanic !== undefined) {
      const message = lastPanic;
      lastPanic = undefined;
      wasmReady = undefined; // a panicked instance is unusable: the next call starts a fresh one
      engine = undefined;
      throw new Error(`Prisma schema engine panicked: ${message}`, { cause: error });
    }
    throw withJsErrors(error, factory.errorRegistry);
  } finally {
    engine?.free();
    await cleanup();
  }
}

/** Reads `prisma/<subgraph>/migrations` in the shape the engine takes (folders sorted by name). */
export async function readMigrations(subgraph: SubgraphName): Promise<MigrationList> {
  const baseDir = migrationsDirOf(subgraph);
  const entries = await readdir(baseDir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return {
    baseDir,
    lockfile: { path: LOCKFILE, content: await readFile(path.join(baseDir, LOCKFILE), 'utf8').catch(() => null) },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      dirs.map(async (dir) => ({
        path: dir,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(path.join(baseDir, dir, 'migration.sql'), 'utf8').then(
            (value) => ({ tag: 'ok' as const, value }),
            (e: Error) => ({ tag: 'error' as const, value: e.message }),
          ),
        },
      })),
    ),
  };
}

/**
 * Applies the subgraph's committed migrations that `url`'s database lacks and records them in
 * `<pgschema>._prisma_migrations`, so subgraphs sharing one database keep separate histories.
 * Creates the Postgres schema first. Returns the names of the migrations it applied.
 */
export async function migrate(subgraph: SubgraphName, url: string, log?: Log): Promise<{ applied: string[] }> {
  const schema = PG_SCHEMAS[subgraph];
  const migrationsList = await readMigrations(subgraph);
  const pool = schemaPool(url, schema);
  try {
    // The engine keeps `_prisma_migrations` in this schema, so it must exist before the engine looks.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`).catch((error: { code?: string }) => {
      if (error.code !== '23505' && error.code !== '42P06') throw error; // a concurrent run created it
    });
    const out = await withEngine(subgraph, pool, url, schema, log, (engine) =>
      engine.applyMigrations({ migrationsList, filters: NO_FILTERS }),
    );
    return { applied: out.appliedMigrationNames };
  } finally {
    await pool.end();
  }
}

/** Creates each subgraph's database if needed and migrates it (URLs from `databaseUrlFor(subgraph, env)`). */
export async function migrateAll(
  env: Env = process.env,
  log?: Log,
  subgraphs: readonly SubgraphName[] = SUBGRAPHS,
): Promise<Array<{ subgraph: SubgraphName; applied: string[] }>> {
  const results = [];
  for (const subgraph of subgraphs) {
    const url = databaseUrlFor(subgraph, env);
    try {
      await ensureDatabase(url);
      results.push({ subgraph, ...(await migrate(subgraph, url, log)) });
    } catch (error) {
      throw new Error(`${subgraph}: ${describeDbError(error, url)}`, { cause: error });
    }
  }
  return results;
}

/**
 * The SQL that takes a database from the subgraph's committed migrations to its current
 * schema.prisma; whitespace only when they agree. Replays the migrations in a scratch database
 * on `url`'s server (needs CREATEDB), which it drops again; `url`'s own database is not touched.
 */
export async function diff(subgraph: SubgraphName, url: string = databaseUrlFor(subgraph)): Promise<string> {
  const migrationsList = await readMigrations(subgraph);
  // The engine wants a main connection even though the diff only uses the shadow database; the
  // maintenance database always exists. No schema option: the SQL comes out schema-qualified.
  const pool = schemaPool(pgUrl(url, 'postgres'));
  try {
    const out = await withEngine(subgraph, pool, url, undefined, undefined, (engine, datamodel) =>
      engine.diff({
        from: migrationsList.migrationDirectories.length ? { tag: 'migrations', ...migrationsList } : { tag: 'empty' },
        to: { tag: 'schemaDatamodel', files: [datamodel] },
        script: true,
        exitCode: true, // 2 when there is a difference; the script then is not just a comment
        filters: NO_FILTERS,
      }),
    );
    return out.exitCode === 2 ? (out.stdout ?? '') : '';
  } finally {
    await pool.end();
  }
}
