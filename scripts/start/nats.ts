/**
 * A local NATS server with JetStream for `npm start` and the test preflight: find the binary
 * (the Debian package installs /usr/sbin/nats-server), install it with apt-get when allowed,
 * check that something answers like NATS, and start one.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { installDebianPackage } from './debian.ts';

/** The nats-server binary on this machine, or undefined. */
export function findNatsServer(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : undefined;
  }
}

/** Installs the Debian package (root only); true when the binary is there afterwards. */
export function installNatsServer(log: (line: string) => void): boolean {
  return installDebianPackage('nats-server', log) && findNatsServer() !== undefined;
}

/** True when a NATS server answers on host:port (it greets every connection with an INFO line). */
export function natsAnswers(host: string, port: number, timeoutMs = 1_500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString('utf8', 0, 4) === 'INFO'));
    socket.once('error', () => done(false));
  });
}

/** Starts `nats-server -js` on 127.0.0.1:`port` with its store in `storeDir`; resolves once it answers. */
export async function startNatsServer(binary: string, options: { port: number; storeDir: string; detached: boolean; timeoutMs?: number }): Promise<ChildProcess> {
  mkdirSync(options.storeDir, { recursive: true });
  const child = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(options.port), '-sd', options.storeDir], { stdio: 'ignore', detached: options.detached });
  if (options.detached) child.unref();
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (!(await natsAnswers('127.0.0.1', options.port, 500))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nats-server did not come up on 127.0.0.1:${options.port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}
