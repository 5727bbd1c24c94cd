/**
 * A PgBouncer of one test file, in transaction mode, in front of the test Postgres: every
 * database of the server is reachable through it under its own name, so a stack pointed at
 * `url(db)` runs every statement through a transaction pooler, where session state (SET,
 * session advisory locks, LISTEN, temp tables, named prepared statements) does not survive.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasBinary } from '../../scripts/start/debian.ts';
import { freePort, handToPostgres, spawnAsPostgres, stopChild, waitForPort } from './processes.ts';
import { TEST_SERVER_URL, withDatabase } from './database.ts';

export const PGBOUNCER_BIN = process.env.PGBOUNCER_BIN ?? (hasBinary('pgbouncer') ? 'pgbouncer' : '/usr/sbin/pgbouncer');

export interface OwnPgBouncer {
  port: number;
  /** The URL of `database` through the pooler. */
  url(database: string): string;
  /** Runs `SHOW <what>` on the admin console. */
  show(what: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function startPgBouncer(options: { poolSize?: number } = {}): Promise<OwnPgBouncer> {
  const upstream = new URL(TEST_SERVER_URL);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cp-pgbouncer-'));
  const user = decodeURIComponent(upstream.username || 'postgres');
  writeFileSync(join(dir, 'users.txt'), `"${user}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${upstream.hostname} port=${upstream.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      `admin_users = ${user}`,
      // Transaction pooling: a server connection is a client's only for one transaction. PgBouncer
      // 1.18 (Debian's) has no max_prepared_statements, so a named statement would not survive.
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize ?? 8}`,
      'max_client_conn = 400',
      // node-postgres sends none of these, but a client that does must not be refused.
      'ignore_startup_parameters = extra_float_digits',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  await handToPostgres(dir, join(dir, 'users.txt'), join(dir, 'pgbouncer.ini'));
  const child = await spawnAsPostgres(PGBOUNCER_BIN, [join(dir, 'pgbouncer.ini')]);
  await waitForPort(port, 'pgbouncer');
  const url = (database: string) => {
    const u = new URL(withDatabase(TEST_SERVER_URL, database));
    u.port = String(port);
    return u.toString();
  };
  return {
    port,
    url,
    async show(what) {
      const pg = (await import('pg')).default;
      // The admin console speaks only the simple query protocol.
      const client = new pg.Client({ connectionString: url('pgbouncer') });
      await client.connect();
      try {
        return (await client.query({ text: `SHOW ${what}`, queryMode: 'simple' } as unknown as string)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    },
    async close() {
      await stopChild(child, 'SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
