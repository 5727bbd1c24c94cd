import { describe, expect, it } from 'vitest';
import { ownerKeyedTables, shardGuardFailure, shardProblem, shardViolations, unallowedShardViolations } from './shard-guard.ts';

describe('shard guard', () => {
  it('finds owner-keyed tables however they are quoted', () => {
    expect(ownerKeyedTables('SELECT 1 FROM cart."Cart" c JOIN "cart"."CartLine" l ON l."cartId" = c.id')).toEqual(['cart.Cart', 'cart.CartLine']);
    expect(ownerKeyedTables('SELECT * FROM "catalog"."Product" WHERE id = $1')).toEqual([]);
  });

  it('accepts statements pinned to one owner, cart or order', () => {
    for (const sql of [
      'SELECT id FROM cart."Cart" WHERE "ownerType" = $1::cart."CartOwnerType" AND "ownerId" = $2 FOR UPDATE',
      'UPDATE cart."CartLine" SET "quantity" = $2 WHERE "id" = $3::uuid AND "cartId" = $1::uuid',
      'SELECT "t0"."id" FROM "orders"."OrderLine" AS "t0" WHERE "t0"."orderId" IN ($1)',
      'INSERT INTO cart."CartLine" ("id", "cartId", "productId") VALUES ($1, $2, $3)',
      'WITH v AS (UPDATE cart."Cart" SET "version" = $1 WHERE "id" = $2 RETURNING id) INSERT INTO cart."CartEvent" ("cartId", "version") SELECT id, $1 FROM v',
      'SELECT * FROM "orders"."Order" WHERE ("orders"."Order"."userId" = $1 AND 1=1) ORDER BY "createdAt" DESC',
      '/* shard:all expiry sweep */ DELETE FROM cart."Cart" WHERE "expiresAt" < $1',
      'BEGIN',
    ]) expect(shardProblem(sql), sql).toBeUndefined();
  });

  it('flags statements that reach every shard', () => {
    expect(shardProblem('UPDATE cart."CartLine" SET "quantity" = $2 WHERE "id" = $1::uuid')).toMatch(/cart.CartLine.*"cartId"/);
    expect(shardProblem('SELECT * FROM "orders"."OrderLine" WHERE "orderId" IN ($1,$2)')).toBeDefined();
    expect(shardProblem('SELECT * FROM "orders"."Order" WHERE "orderId" = ANY($1)')).toBeDefined();
    expect(shardProblem('DELETE FROM cart."Cart" WHERE "expiresAt" < $1')).toBeDefined();
    // An assignment is not a restriction, and a distribution column never changes.
    expect(shardProblem('UPDATE cart."Cart" SET "ownerId" = $1 WHERE "expiresAt" < $2')).toBeDefined();
    expect(shardProblem('UPDATE cart."CartLine" SET "cartId" = $2::uuid WHERE "cartId" = $1 AND "id" = $3')).toMatch(/distribution column/);
  });

  it('ignores table names inside string literals', () => {
    expect(shardProblem(`SELECT nextval(pg_get_serial_sequence('"orders"."Order"', 'seq')) AS seq`)).toBeUndefined();
  });

  it('reports each distinct statement once', () => {
    const bad = { text: 'DELETE FROM cart."CartLine"  WHERE "id" = $1' };
    expect(shardViolations([bad, bad, { text: 'SELECT 1' }])).toHaveLength(1);
  });

  it('fails the e2e run on a deliberately unrestricted statement, naming it and every file that ran it', () => {
    const unrestricted = 'SELECT * FROM "orders"."Order" WHERE "status" = \'PAID\'';
    const problem = shardProblem(unrestricted)!;
    expect(problem).toMatch(/orders\.Order/);
    const clean = { file: 'e2e/clean.test.ts', statements: { 'cp-cart': 120 }, violations: [] };
    expect(shardGuardFailure([clean])).toBeUndefined();
    expect(shardGuardFailure([])).toBeUndefined();
    const failure = shardGuardFailure([
      clean,
      { file: 'e2e/b.test.ts', statements: { 'cp-order': 3 }, violations: [{ sql: unrestricted, problem, application: 'cp-order' }] },
      { file: 'e2e/a.test.ts', statements: { 'cp-order': 9 }, violations: [{ sql: unrestricted, problem, application: 'cp-order' }] },
    ]);
    expect(failure).toContain('1 statement(s)');
    expect(failure).toContain(unrestricted);
    expect(failure).toContain(problem);
    expect(failure).toContain('run by cp-order in e2e/a.test.ts, e2e/b.test.ts');
    expect(failure).not.toContain('e2e/clean.test.ts');
  });

  it('lets a reviewed allow-list entry through, and nothing else', () => {
    const sweep = { text: 'DELETE FROM cart."Cart" WHERE "expiresAt" < $1' };
    const other = { text: 'DELETE FROM cart."CartLine" WHERE "addedAt" < $1' };
    const allow = [{ pattern: /^DELETE FROM cart\."Cart" WHERE "expiresAt"/, reason: 'test' }];
    expect(unallowedShardViolations([sweep, other], allow).map((v) => v.sql)).toEqual([other.text]);
    expect(unallowedShardViolations([sweep, other], [])).toHaveLength(2);
  });
});
