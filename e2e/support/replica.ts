/**
 * A streaming replica of the test Postgres, owned by one test file: `pg_basebackup -R` from the
 * machine's own binaries into a temporary folder, started on a free port as the `postgres` user.
 * The replica's settings that must match the primary's (max_connections and friends) are copied
 * from it. When the primary refuses replication connections from localhost and its pg_hba.conf
 * is ours to edit (root, as CI and sessions run), a localhost `replication` trust line is added,
 * like the `.ci/run` trust lines for ordinary connections.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, handToPostgres, runAsPostgres } from './processes.ts';
import { TEST_SERVER_URL, withDatabase } from './database.ts';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

async function onPrimary<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Lets `postgres` open replication connections from localhost when the hba file is ours to edit. */
async function allowLocalReplication(): Promise<void> {
  const hba = await onPrimary(async (c) => (await c.query<{ setting: string }>(`SELECT setting FROM pg_settings WHERE name = 'hba_file'`)).rows[0]?.setting);
  if (!hba || !existsSync(hba) || process.getuid?.() !== 0) return;
  if (/^\s*(host|local)\s+replication\s/m.test(readFileSync(hba, 'utf8'))) return;
  appendFileSync(hba, '\n# test replicas (e2e/support/replica.ts): localhost only\nlocal replication postgres trust\nhost replication postgres 127.0.0.1/32 trust\n');
  await onPrimary((c) => c.query('SELECT pg_reload_conf()'));
}

export interface OwnReplica {
  port: number;
  /** The URL of `database` on the replica. */
  url(database: string): string;
  query<R extends pg.QueryResultRow>(database: string, text: string, values?: unknown[]): Promise<R[]>;
  /** Stops applying WAL (`pg_wal_replay_pause()`): the replica then serves older state. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Stops the server (fast shutdown); `start()` brings it back. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startReplica(): Promise<OwnReplica> {
  await allowLocalReplication();
  const primary = new URL(TEST_SERVER_URL);
  const root = mkdtempSync(join(tmpdir(), 'cp-replica-'));
  const data = join(root, 'data');
  await handToPostgres(root);
  await runAsPostgres(join(PG_BIN, 'pg_basebackup'), ['-h', primary.hostname, '-p', primary.port || '5432', '-U', decodeURIComponent(primary.username || 'postgres'), '-D', data, '-R', '-X', 'stream', '-c', 'fast']);
  const port = await freePort();
  // A hot standby needs these at least as high as the primary's.
  const must = await onPrimary(async (c) =>
    (await c.query<{ name: string; setting: string }>(`SELECT name, setting FROM pg_settings WHERE name IN ('max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction')`)).rows,
  );
  // Debian keeps postgresql.conf and pg_hba.conf outside the data folder: the copy has neither.
  writeFileSync(
    join(data, 'postgresql.conf'),
    [`port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${root}'`, 'hot_standby = on', 'fsync = off', "log_min_messages = 'warning'", ...must.map((m) => `${m.name} = ${m.setting}`), ''].join('\n'),
  );
  writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
  await handToPostgres(join(data, 'postgresql.conf'), join(data, 'pg_hba.conf'));
  const pgCtl = (...args: string[]) => runAsPostgres(join(PG_BIN, 'pg_ctl'), ['-D', data, ...args]);
  const start = async () => void (await pgCtl('-l', join(root, 'replica.log'), '-w', '-t', '60', 'start'));
  await start();
  const url = (database: string) => {
    const u = new URL(withDatabase(TEST_SERVER_URL, database));
    u.port = String(port);
    return u.toString();
  };
  const query = async <R extends pg.QueryResultRow>(database: string, text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url(database) });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  let running = true;
  return {
    port,
    url,
    query,
    pauseReplay: async () => void (await query('postgres', 'SELECT pg_wal_replay_pause()')),
    resumeReplay: async () => void (await query('postgres', 'SELECT pg_wal_replay_resume()')),
    async stop() {
      if (!running) return;
      await pgCtl('-m', 'fast', '-w', 'stop');
      running = false;
    },
    async start() {
      if (running) return;
      await start();
      running = true;
    },
    async close() {
      if (running) await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => undefined);
      running = false;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
