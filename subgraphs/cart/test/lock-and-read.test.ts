/**
 * `lockAndReadCart` on real Postgres: the write path locks the cart and reads it in one
 * statement, and must never hand a writer lines older than the lock it holds. Two connections
 * stand for two cart instances (one instance's writes to a cart already queue in memory).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@platform/e2e/support';
import type { SqlExecutor } from '@platform/server';
import { findCartById, insertLine, lockAndReadCart, type Owner } from '../src/data/carts.ts';

let db: TestDatabase;
const clients: pg.Client[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await db?.drop();
});

/** One connection of its own, as the write path's statements see one. */
async function connect(): Promise<SqlExecutor> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  clients.push(client);
  return {
    async query<R extends object>(text: string, values: readonly unknown[] = []) {
      return (await client.query<R & pg.QueryResultRow>(text, values as unknown[])).rows;
    },
  };
}

const owner = (id: string): Owner => ({ ownerType: 'USER', ownerId: id });
const later = (days: number) => new Date(Date.now() + days * 86_400_000);
const PRODUCT = '0190a0a0-0000-7000-8000-000000000001';
const line = (quantity: number) => ({ productId: PRODUCT, optionsKey: `q${quantity}`, options: null, quantity, unitPrice: '5.00', currencyCode: 'SGD' });
/** A committed change as the writer makes one: a line changes and the version moves, under the row lock. */
async function commitLine(tx: SqlExecutor, who: Owner, quantity: number): Promise<string> {
  await tx.query('BEGIN');
  const { id } = await lockAndReadCart(tx, who, new Date(), later(30));
  await insertLine(tx, id, line(quantity), new Date());
  await tx.query(`UPDATE cart."Cart" SET "version" = "version" + 1 WHERE "id" = $1::uuid`, [id]);
  await tx.query('COMMIT');
  return id;
}

describe('lockAndReadCart', () => {
  it("creates the owner's cart on first use and answers it empty, without a second read", async () => {
    const tx = await connect();
    await tx.query('BEGIN');
    const locked = await lockAndReadCart(tx, owner('first-use'), new Date(), later(30));
    await tx.query('COMMIT');
    expect(locked.cart).toMatchObject({ id: locked.id, version: 0, ownerId: 'first-use', lines: [] });
  });

  it('answers the cart exactly as a read after the lock would, when nobody else wrote it', async () => {
    const tx = await connect();
    const id = await commitLine(tx, owner('quiet'), 2);
    await tx.query('BEGIN');
    const locked = await lockAndReadCart(tx, owner('quiet'), new Date(), later(30));
    const reread = await findCartById(tx, id);
    await tx.query('COMMIT');
    expect(locked.cart).toEqual(reread);
    expect(locked.cart?.lines.map((l) => l.quantity)).toEqual([2]);
  });

  it('a writer that waited for the lock while another committed lines gets no stale cart: it must read again, and then sees them', async () => {
    const [a, b] = [await connect(), await connect()];
    const who = owner('contended');
    const id = await commitLine(a, who, 1);
    // A holds the lock with a new line and a new version, not yet committed.
    await a.query('BEGIN');
    await lockAndReadCart(a, who, new Date(), later(30));
    await insertLine(a, id, line(7), new Date());
    await a.query(`UPDATE cart."Cart" SET "version" = "version" + 1 WHERE "id" = $1::uuid`, [id]);
    // B starts its statement (and its snapshot) now, and waits for A's lock.
    await b.query('BEGIN');
    const waiting = lockAndReadCart(b, who, new Date(), later(30));
    await expect.poll(async () => (await a.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'`))[0]!.n, { timeout: 5_000 }).toBe(1);
    await a.query('COMMIT');
    const locked = await waiting;
    expect(locked.cart).toBeNull();
    const reread = await findCartById(b, id);
    await b.query('COMMIT');
    expect(reread).toMatchObject({ version: 2 });
    expect(reread?.lines.map((l) => l.quantity)).toEqual([1, 7]);
  });
});
