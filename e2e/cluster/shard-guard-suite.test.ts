/**
 * The suite-wide shard guard itself (README "Distribution"): what a subgraph's pool runs is
 * recorded by the e2e setup file, a statement against an owner-keyed table that is not
 * restricted to one owner is reported with the file that ran it, and a test fixture's own SQL
 * (no `application_name`) is not the subgraphs' and is left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createPool } from '@platform/server';
import { createTestDatabase, currentShardRecorder, type TestDatabase } from '@platform/e2e/support';
import { shardGuardFailure } from '@platform/testing';

let db: TestDatabase;
let cartPool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  // The cart subgraph's pool, as `createCartDb` makes it.
  cartPool = createPool({ databaseUrl: db.url, DATABASE_POOL_SIZE: 2, DATABASE_ACQUIRE_TIMEOUT_MS: 5_000, applicationName: 'cp-cart' });
});

afterAll(async () => {
  await cartPool?.end();
  await db?.drop();
});

const UNRESTRICTED = /SELECT count\(\*\)::int AS n FROM "cart"\."Cart" WHERE "expiresAt" > now\(\)/;

describe('the shard guard over the e2e suite', () => {
  it('names the pool after the subgraph', async () => {
    const { rows } = await cartPool.query<{ name: string }>('SELECT current_setting($1) AS name', ['application_name']);
    expect(rows[0]!.name).toBe('cp-cart');
  });

  it('reports a cart statement that reaches every shard, with the file that ran it', async () => {
    const recorder = currentShardRecorder();
    expect(recorder, 'the e2e setup file installs a recorder for every file').toBeDefined();
    const before = recorder!.statements['cp-cart'] ?? 0;
    await cartPool.query('SELECT count(*)::int AS n FROM "cart"."Cart" WHERE "expiresAt" > now()');
    await cartPool.query('SELECT "id" FROM "cart"."Cart" WHERE "ownerId" = $1', ['someone']);
    expect(recorder!.statements['cp-cart']).toBe(before + 2);

    const violations = recorder!.violations().filter((v) => UNRESTRICTED.test(v.sql));
    expect(violations).toEqual([{ sql: 'SELECT count(*)::int AS n FROM "cart"."Cart" WHERE "expiresAt" > now()', problem: expect.stringMatching(/cart\.Cart.*"ownerId"/), application: 'cp-cart' }]);
    expect(recorder!.violations().some((v) => v.sql.includes('"ownerId" = $1'))).toBe(false);
    const failure = shardGuardFailure([{ file: 'e2e/cluster/shard-guard-suite.test.ts', statements: recorder!.statements, violations }]);
    expect(failure).toContain('SELECT count(*)::int AS n FROM "cart"."Cart"');
    expect(failure).toContain('run by cp-cart in e2e/cluster/shard-guard-suite.test.ts');

    // Ran on purpose: dropped, so this file's own report stays clean.
    recorder!.forget(UNRESTRICTED);
    expect(recorder!.violations().filter((v) => UNRESTRICTED.test(v.sql))).toEqual([]);
  });

  it('leaves a fixture connection without an application name alone', async () => {
    const recorder = currentShardRecorder()!;
    const seen = { ...recorder.statements };
    const fixture = new pg.Client({ connectionString: db.url });
    await fixture.connect();
    try {
      await fixture.query('SELECT count(*) FROM "cart"."Cart"');
    } finally {
      await fixture.end();
    }
    expect(recorder.statements).toEqual(seen);
    expect(recorder.violations()).toEqual([]);
  });
});
