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

/** SQL on `pool`; `onQuery` counts every statement (BEGIN and COMMIT included). */
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
      const tx = on(client);
      try {
        await tx.query('BEGIN');
        const result = await fn(tx);
        await tx.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
