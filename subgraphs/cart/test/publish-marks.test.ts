/**
 * Marking published events after live-sync publishes them: batched like a group commit (one mark
 * statement at a time, the events published meanwhile marked together by the next), and one
 * statement marks events of many carts on real Postgres.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@platform/e2e/support';
import type { SqlExecutor } from '@platform/server';
import { lockAndReadCart } from '../src/data/carts.ts';
import { markPublished, type CartEvent } from '../src/data/outbox.ts';
import { PublishMarks } from '../src/services/event-publisher.ts';

const event = (id: number, cartId = 'c'): CartEvent => ({ id: BigInt(id), cartId }) as CartEvent;

/** A mark writer whose statements finish only when the test says so. */
function heldWrites() {
  const batches: number[][] = [];
  const release: (() => void)[] = [];
  const write = (events: CartEvent[]) => {
    batches.push(events.map((e) => Number(e.id)));
    return new Promise<void>((resolve) => release.push(resolve));
  };
  return { batches, release, write };
}

const settled = (p: Promise<void>) => {
  const state = { done: false };
  void p.then(() => (state.done = true));
  return state;
};
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PublishMarks', () => {
  it('an idle publisher marks at once', async () => {
    const writes = heldWrites();
    const marks = new PublishMarks(writes.write);
    const first = settled(marks.mark([event(1)]));
    await tick();
    expect(writes.batches).toEqual([[1]]);
    expect(first.done).toBe(false);
    writes.release[0]!();
    await tick();
    expect(first.done).toBe(true);
  });

  it('events published while a mark runs are marked together by one next statement, and each caller waits for its own', async () => {
    const writes = heldWrites();
    const marks = new PublishMarks(writes.write);
    const first = settled(marks.mark([event(1)]));
    await tick();
    const later = [marks.mark([event(2)]), marks.mark([event(3), event(4)]), marks.mark([event(5)])].map(settled);
    await tick();
    expect(writes.batches).toEqual([[1]]);
    writes.release[0]!();
    await tick();
    expect(first.done).toBe(true);
    expect(later.map((s) => s.done)).toEqual([false, false, false]);
    expect(writes.batches).toEqual([[1], [2, 3, 4, 5]]);
    const afterThat = settled(marks.mark([event(6)]));
    writes.release[1]!();
    await tick();
    expect(later.map((s) => s.done)).toEqual([true, true, true]);
    expect(afterThat.done).toBe(false);
    expect(writes.batches).toEqual([[1], [2, 3, 4, 5], [6]]);
    writes.release[2]!();
    await tick();
    expect(afterThat.done).toBe(true);
  });

  it('a batch whose write fails resolves its callers and does not stall the next one', async () => {
    const written: number[][] = [];
    const marks = new PublishMarks(async (events) => {
      written.push(events.map((e) => Number(e.id)));
      if (written.length === 1) throw new Error('connection reset');
    });
    await expect(marks.mark([event(1)])).resolves.toBeUndefined();
    await expect(marks.mark([event(2)])).resolves.toBeUndefined();
    expect(written).toEqual([[1], [2]]);
  });
});

describe('markPublished on Postgres', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let sql: SqlExecutor;
  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    sql = { query: async <R extends object>(text: string, values: readonly unknown[] = []) => (await client.query<R & pg.QueryResultRow>(text, values as unknown[])).rows };
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it("marks the given events of several carts in one statement and leaves every other event as it was", async () => {
    const carts: string[] = [];
    for (const who of ['mark-a', 'mark-b', 'mark-c']) carts.push((await lockAndReadCart(sql, { ownerType: 'USER', ownerId: who }, new Date(), new Date(Date.now() + 86_400_000))).id);
    const events: CartEvent[] = [];
    for (const cartId of carts)
      for (const version of [1, 2]) {
        const [row] = await sql.query<{ id: string }>(
          `INSERT INTO cart."CartEvent" ("cartId", "ownerType", "ownerId", "version", "type", "at") SELECT "id", "ownerType", "ownerId", $2, 'CLEARED', now() FROM cart."Cart" WHERE "id" = $1::uuid RETURNING "id"::text`,
          [cartId, version],
        );
        events.push({ id: BigInt(row!.id), cartId } as CartEvent);
      }
    const at = new Date('2026-12-03T12:00:00.000Z');
    await markPublished(sql, [events[0]!, events[2]!, events[3]!, events[4]!], at);
    const rows = await sql.query<{ id: string; publishedAt: Date | null }>(`SELECT "id"::text, "publishedAt" FROM cart."CartEvent" WHERE "cartId" = ANY($1::uuid[]) ORDER BY "id"`, [carts]);
    expect(rows.map((r) => r.publishedAt?.toISOString() ?? null)).toEqual([at.toISOString(), null, at.toISOString(), at.toISOString(), at.toISOString(), null]);
  });
});
