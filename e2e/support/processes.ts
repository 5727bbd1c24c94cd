/**
 * Real server processes a test owns (PgBouncer, a Postgres replica, Redis Cluster nodes,
 * HAProxy): free ports, waiting for a port, and running a binary as the `postgres` user when
 * the tests run as root (PgBouncer and Postgres refuse to run as root).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chownSync } from 'node:fs';
import net from 'node:net';
import { waitUntil } from '@platform/testing';

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

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
