/**
 * SQL straight on the subgraph's pool (the one Prisma uses too), for hot paths: a statement
 * costs about a fifth of the CPU it costs through Prisma. Values always travel as parameters.
 * Amounts come back as strings (pg's default for numeric), so no decimal passes through a float.
 */
import type pg from 'pg';

export interface SqlExecutor {
  /** Runs one statement and returns its rows. */
  query<R extends object = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<R[]>;
}

export interface Sql extends SqlExecutor {
  /** Runs `fn` in one transaction on one connection: committed when it returns, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/**
 * Runs `send`, whose queries a pipelined client writes as they are called, with the socket corked,
 * so they leave in one write. A client without a socket to cork (or not pipelined) still sends
 * them in order.
 */
function together<T>(client: pg.PoolClient, send: () => T): T {
  const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
  stream?.cork?.();
  try {
    return send();
  } finally {
    stream?.uncork?.();
  }
}

/**
 * SQL on `pool`; `onQuery` counts every statement (BEGIN and COMMIT included). A transaction's
 * BEGIN is not a round trip of its own: it goes out with the transaction's first statement, in
 * the same socket write, on the pool's pipelined connections (`prisma.ts`). A transaction that
 * runs no statement sends nothing.
 */
export function createSql(pool: pg.Pool, onQuery: () => void = () => undefined): Sql {
  const on = (client: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<R extends object>(text: string, values: readonly unknown[] = []) {
      onQuery();
      return (await client.query<R & pg.QueryResultRow>(text, values as unknown[])).rows;
    },
  });
  const direct = on(pool);
  return {
    query: direct.query,
    async transaction(fn) {
      const client = await pool.connect();
      const inside = on(client);
      let begun = false;
      const tx: SqlExecutor = {
        async query<R extends object>(text: string, values: readonly unknown[] = []) {
          if (begun) return inside.query<R>(text, values);
          begun = true;
          // Both calls reach the client before their first await, so both are written while corked.
          const [, rows] = await Promise.all(together(client, () => [inside.query('BEGIN'), inside.query<R>(text, values)] as const));
          return rows;
        },
      };
      try {
        const result = await fn(tx);
        if (begun) await inside.query('COMMIT');
        return result;
      } catch (error) {
        if (begun) await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
