/**
 * Prisma 7 wiring shared by the subgraphs: the `pg` driver adapter with a bounded pool and an
 * acquire timeout (pg has none by default), and a counter of SQL statements, which the metrics
 * expose and tests use to prove that a cache hit runs no SQL.
 */
import { PrismaPg } from '@prisma/adapter-pg';

export interface DatabaseSettings {
  databaseUrl: string;
  DATABASE_POOL_SIZE: number;
  DATABASE_ACQUIRE_TIMEOUT_MS: number;
}

/** Options for a generated `PrismaClient`: the pg adapter, with query events on for counting. */
export function prismaOptions(settings: DatabaseSettings) {
  return {
    adapter: new PrismaPg({
      connectionString: settings.databaseUrl,
      max: settings.DATABASE_POOL_SIZE,
      connectionTimeoutMillis: settings.DATABASE_ACQUIRE_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
    }),
    log: [{ emit: 'event' as const, level: 'query' as const }],
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
export async function pingDatabase(client: { $queryRawUnsafe(sql: string): Promise<unknown> }): Promise<boolean> {
  try {
    await client.$queryRawUnsafe('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
