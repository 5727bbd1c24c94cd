/**
 * The hot paths' SQL transactions (`packages/server/src/sql.ts`) on real Postgres, through a TCP
 * relay that counts what the service writes: BEGIN travels with the first statement in one
 * write, and a transaction still commits all or nothing.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@platform/e2e/support';
import { createPool, createSql, type Sql } from '@platform/server';
import type pg from 'pg';

let db: TestDatabase;
let relay: net.Server;
let pool: pg.Pool;
let sql: Sql;
/** What the service side wrote, one entry per chunk the relay received (a write, on loopback). */
const writes: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  const target = new URL(db.url);
  relay = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    client.on('data', (chunk: Buffer) => {
      writes.push(chunk.toString('latin1'));
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const via = new URL(db.url);
  via.hostname = '127.0.0.1';
  via.port = String((relay.address() as AddressInfo).port);
  pool = createPool({ databaseUrl: via.toString(), DATABASE_POOL_SIZE: 1, DATABASE_ACQUIRE_TIMEOUT_MS: 5_000 });
  sql = createSql(pool);
  await sql.query(`CREATE TABLE tx_probe (id int PRIMARY KEY, note text NOT NULL)`);
});
afterAll(async () => {
  await pool?.end();
  relay?.close();
  await db?.drop();
});

/** The writes a block of work made, each as the statements it carried. */
async function writesOf(work: () => Promise<unknown>): Promise<string[][]> {
  writes.length = 0;
  await work();
  return writes.map((w) => [...w.matchAll(/BEGIN|COMMIT|ROLLBACK|INSERT INTO tx_probe|SELECT note/g)].map((m) => m[0]));
}

describe('a SQL transaction on the pipelined pool', () => {
  it('sends BEGIN in the same write as its first statement: two statements cost three writes, not four', async () => {
    const sent = await writesOf(() =>
      sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO tx_probe (id, note) VALUES ($1, $2)`, [1, 'first']);
        return tx.query(`SELECT note FROM tx_probe WHERE id = $1`, [1]);
      }),
    );
    expect(sent).toEqual([['BEGIN', 'INSERT INTO tx_probe'], ['SELECT note'], ['COMMIT']]);
    expect(await sql.query(`SELECT note FROM tx_probe WHERE id = 1`)).toEqual([{ note: 'first' }]);
  });

  it('a transaction that runs no statement sends nothing', async () => {
    expect(await writesOf(() => sql.transaction(async () => 'nothing to do'))).toEqual([]);
  });

  it('rolls everything back when the work throws, and the connection serves the next transaction', async () => {
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO tx_probe (id, note) VALUES ($1, $2)`, [2, 'doomed']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await sql.query(`SELECT note FROM tx_probe WHERE id = 2`)).toEqual([]);
    await sql.transaction((tx) => tx.query(`INSERT INTO tx_probe (id, note) VALUES ($1, $2)`, [3, 'after']));
    expect(await sql.query(`SELECT note FROM tx_probe WHERE id = 3`)).toEqual([{ note: 'after' }]);
  });

  it('a first statement that fails rolls back its transaction and fails the caller with the database error', async () => {
    const failed = sql.transaction(async (tx) => {
      await tx.query(`INSERT INTO tx_probe (id, note) VALUES ($1, $2)`, [1, 'duplicate']);
      await tx.query(`INSERT INTO tx_probe (id, note) VALUES ($1, $2)`, [4, 'never']);
    });
    await expect(failed).rejects.toMatchObject({ code: '23505' });
    expect(await sql.query(`SELECT id, note FROM tx_probe ORDER BY id`)).toEqual([
      { id: 1, note: 'first' },
      { id: 3, note: 'after' },
    ]);
  });
});
