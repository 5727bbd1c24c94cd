/**
 * Database wiring shared by the subgraphs: one bounded `pg` pool per subgraph (with an acquire
 * timeout, which pg has none of by default), used by Prisma 7 through its driver adapter and, on
 * the few hot paths where Prisma's per-statement cost shows (it is about five times raw pg's),
 * directly as SQL through the same pool (`sql.ts`). A counter of SQL statements covers both; the
 * metrics expose it and tests use it to prove that a cache hit runs no SQL.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { createSql, type SqlExecutor } from './sql.ts';

export interface DatabaseSettings {
  databaseUrl: string;
  DATABASE_POOL_SIZE: number;
  DATABASE_ACQUIRE_TIMEOUT_MS: number;
  /**
   * Postgres `application_name` of the pool's connections (`cp-cart`, `cp-order`): names the
   * subgraph in `pg_stat_activity` and the logs, and lets the end-to-end shard guard tell a
   * subgraph's statements from a test fixture's own SQL.
   */
  applicationName?: string;
}

/** The subgraph's one connection pool. */
export function createPool(settings: DatabaseSettings): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.databaseUrl,
    max: settings.DATABASE_POOL_SIZE,
    connectionTimeoutMillis: settings.DATABASE_ACQUIRE_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    // A pipelined connection sends a query without waiting for the answer to the one before, so
    // a transaction's BEGIN travels with its first statement (`sql.ts`). Callers that await each
    // query, as Prisma does, see no difference.
    pipeline: true,
    ...(settings.applicationName ? { application_name: settings.applicationName } : {}),
  });
  // An idle connection the server closed (a Postgres restart, a terminated backend) is dropped by
  // the pool, and the next query connects afresh and fails or succeeds on its own. Unhandled, the
  // pool's 'error' event would end the process instead.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Options for a generated `PrismaClient` on `pool`: the pg adapter, with query events on for
 * counting. An interactive transaction waits for a pooled connection as long as any other query
 * does (`DATABASE_ACQUIRE_TIMEOUT_MS`), not Prisma's own 2 s: under a burst (50 checkouts at once
 * on a pool of 10) the shorter wait failed transactions that the pool would have served.
 */
export function prismaOptions(pool: pg.Pool, acquireTimeoutMs: number) {
  return {
    adapter: new PrismaPg(pool),
    log: [{ emit: 'event' as const, level: 'query' as const }],
    transactionOptions: { maxWait: acquireTimeoutMs },
  };
}

/** Counts SQL statements run by a client; `count` only grows. */
export interface SqlCounter {
  count: number;
}

type QueryEventEmitter = { $on(event: 'query', callback: (event: unknown) => void): void };

/** Hooks a counter (and an optional metric) to a client's query events. */
export function countSql(client: QueryEventEmitter, onQuery?: () => void): SqlCounter {
  const counter = { count: 0 };
  client.$on('query', () => {
    counter.count += 1;
    onQuery?.();
  });
  return counter;
}

/** True when the database answers a trivial query. */
export async function pingDatabase(client: SqlExecutor): Promise<boolean> {
  try {
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/**
 * A subgraph's database: one pool, the Prisma client on it, SQL straight on it for hot paths,
 * one statement counter for both, and `close()` for shutdown.
 */
export function connectDatabase<P extends QueryEventEmitter & { $disconnect(): Promise<void> }>(create: (options: ReturnType<typeof prismaOptions>) => P, settings: DatabaseSettings, onQuery?: () => void) {
  const pool = createPool(settings);
  const prisma = create(prismaOptions(pool, settings.DATABASE_ACQUIRE_TIMEOUT_MS));
  const sql = countSql(prisma, onQuery);
  const pg = createSql(pool, () => {
    sql.count += 1;
    onQuery?.();
  });
  return {
    prisma,
    pg,
    sql,
    /** The pool itself (for its metrics). */
    pool,
    async close(): Promise<void> {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
