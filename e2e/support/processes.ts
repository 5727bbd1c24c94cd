/**
 * Real server processes a test owns (PgBouncer, a Postgres replica, Redis Cluster nodes,
 * HAProxy): free ports, waiting for a port, and running a binary as the `postgres` user when
 * the tests run as root (PgBouncer and Postgres refuse to run as root).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chownSync } from 'node:fs';
import net from 'node:net';
import { waitUntil } from '@platform/testing';

/** True when nothing listens on (or holds) `port` on 127.0.0.1 right now. */
const canBind = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

const handedOut = new Set<number>();
/** Below the kernel's ephemeral range (32768-60999 here), which outgoing connections and `listen(0)` draw from. */
const PORT_RANGE = { from: 20_000, to: 32_000 };

/**
 * A port for a server this process is about to start. Not `listen(0)`: a port the kernel hands
 * out that way is in the ephemeral range, so between our probe and the server's own `listen` an
 * outgoing connection (to Postgres, Redis, another instance) may take it as its local port, and
 * two concurrent probes may get the same one; both were seen starting the cluster topology
 * (EADDRINUSE, and HAProxy routing cart traffic to another service). This draws from below that
 * range, never the same port twice in one process, and checks that it is free.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port between ${PORT_RANGE.from} and ${PORT_RANGE.to}`);
}

export const portOpen = (port: number, host = '127.0.0.1') =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

export const waitForPort = (port: number, what: string, timeoutMs = 15_000) => waitUntil(() => portOpen(port), `${what} on port ${port}`, timeoutMs, 50);

const asRoot = () => process.getuid?.() === 0;

/** The uid/gid of `postgres` (when root), so folders can be handed over first. */
export async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (!asRoot()) return undefined;
  const { execFileSync } = await import('node:child_process');
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/** Hands `paths` to the postgres user when running as root. */
export async function handToPostgres(...paths: string[]): Promise<void> {
  const user = await postgresUser();
  if (user) for (const p of paths) chownSync(p, user.uid, user.gid);
}

/** Spawns `binary args` as the postgres user when root, else as ourselves. */
export async function spawnAsPostgres(binary: string, args: string[], options: SpawnOptions = {}): Promise<ChildProcess> {
  const user = await postgresUser();
  return spawn(binary, args, { stdio: 'ignore', ...options, ...(user ? { uid: user.uid, gid: user.gid } : {}) });
}

/** Runs to completion; rejects with its output on a non-zero exit. */
export async function runAsPostgres(binary: string, args: string[], options: SpawnOptions = {}): Promise<string> {
  const child = await spawnAsPostgres(binary, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${binary} ${args.join(' ')} exited with ${code}: ${out.trim()}`);
  return out;
}

/** Stops a child with `signal` and waits for it to exit. */
export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
