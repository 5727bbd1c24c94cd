/**
 * Test databases. A template database (all migrations plus the demo catalog) is built once per
 * content of migrations and seed; every test file then gets its own copy with
 * `CREATE DATABASE ... TEMPLATE`, which takes a fraction of a second.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The server tests use; its `postgres` database is the maintenance connection. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function hashTree(hash: ReturnType<typeof createHash>, dir: string) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hashTree(hash, path);
    else hash.update(name).update(readFileSync(path));
  }
}

/** Name of the template for the current migrations and seed; changes when either changes. */
export function templateName(): string {
  const hash = createHash('sha256');
  hashTree(hash, join(ROOT, 'prisma'));
  hashTree(hash, join(ROOT, 'scripts/seed'));
  // Not `cp_template_`: harnesses before this one drop every `cp_template_*` but their own, which
  // broke parallel runs of other worktrees on the same server.
  return `cp_tpl_${hash.digest('hex').slice(0, 12)}`;
}

const exists = (client: pg.Client, name: string) => client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]).then((r) => (r.rowCount ?? 0) > 0);

/**
 * Builds the template if it does not exist yet (migrate + seed into a scratch name, then rename,
 * so a crash never leaves a half-built template behind). Run once, from vitest's global setup.
 */
export async function ensureTemplate(): Promise<string> {
  const name = templateName();
  if (await admin((c) => exists(c, name))) return name;
  const building = `${name}_build_${randomBytes(3).toString('hex')}`;
  const url = withDatabase(TEST_SERVER_URL, building);
  const { migrateAll } = await import('../../scripts/db/engine.ts');
  const { seedDemoData } = await import('../../scripts/seed/index.ts');
  await admin((c) => c.query(`CREATE DATABASE "${building}"`));
  try {
    await migrateAll({ DATABASE_URL: url });
    await seedDemoData({ productDatabaseUrl: url, pricingDatabaseUrl: url, currencyCode: 'SGD' });
    await admin(async (c) => {
      if (!(await exists(c, name))) await c.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    });
  } finally {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`));
  }
  // Old templates from earlier schema versions only take disk space. One built within the last
  // day (or by a harness that did not date them) may be another worktree's current template on
  // this shared server: it stays.
  await admin(async (c) => {
    await c.query(`COMMENT ON DATABASE "${name}" IS 'cp template built ${new Date().toISOString()}'`).catch(() => undefined);
    const stale = await c.query<{ datname: string; note: string | null }>(
      `SELECT datname, shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname LIKE 'cp\\_tpl\\_%' AND datname <> $1`,
      [name],
    );
    const builtAt = (note: string | null) => Date.parse(/built (\S+)$/.exec(note ?? '')?.[1] ?? '') || Date.now();
    for (const { datname, note } of stale.rows) {
      if (Date.now() - builtAt(note) < 24 * 3_600_000) continue;
      await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
  });
  return name;
}


export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file, copied from the template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = templateName();
  const name = `cp_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  try {
    await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  } catch (error) {
    // Another checkout's test run may have dropped our template: build it again and retry once.
    if ((error as { code?: string }).code !== '3D000') throw error;
    await ensureTemplate();
    await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  }
  return {
    name,
    url: withDatabase(TEST_SERVER_URL, name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
