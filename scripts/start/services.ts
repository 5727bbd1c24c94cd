/**
 * The gateway and subgraphs as child processes of `npm start`: spawn with tsx, tag their output,
 * wait for `/ready`, and stop them (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_PORTS } from '@platform/config';
import { pipeLines } from './output.ts';
import { probeReady } from './probes.ts';

export type ServiceName = keyof typeof DEFAULT_PORTS;

export interface ServiceSpec {
  name: ServiceName | 'storefront';
  /** Folder holding the entry point, relative to the repository root. */
  dir: string;
  /** Entry point inside `dir` (default `src/index.ts`). */
  entry?: string;
  port: number;
  /** Tag of its output lines when it is not `name` (e.g. a second gateway in `npm run bench`). */
  label?: string;
  /** Extra arguments for node itself (e.g. `--cpu-prof`), before the script. */
  nodeArgs?: string[];
}

export const STOREFRONT_DEFAULT_PORT = 4100;

/** The storefront's server (optional: `npm start` runs without it, with one warning). */
export function storefrontSpec(env: Record<string, string | undefined>): ServiceSpec {
  return { name: 'storefront', dir: 'storefront', entry: 'server/index.ts', port: Number(env.STOREFRONT_PORT || STOREFRONT_DEFAULT_PORT) };
}

export interface RunningService extends ServiceSpec {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is read, however it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const DIRS: Record<ServiceName, string> = {
  cart: 'subgraphs/cart',
  product: 'subgraphs/product',
  pricing: 'subgraphs/pricing',
  order: 'subgraphs/order',
  gateway: 'gateway',
};

/** Port of each service from `<NAME>_PORT`, else the default. */
export function serviceSpecs(env: Record<string, string | undefined>): Record<ServiceName, ServiceSpec> {
  const spec = (name: ServiceName): ServiceSpec => ({ name, dir: DIRS[name], port: Number(env[`${name.toUpperCase()}_PORT`] || DEFAULT_PORTS[name]) });
  return { cart: spec('cart'), product: spec('product'), pricing: spec('pricing'), order: spec('order'), gateway: spec('gateway') };
}

const alive = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

/** Sends a signal to the service's process group (it runs detached: a terminal's Ctrl-C reaches only us). */
function signal(service: RunningService, sig: NodeJS.Signals): void {
  if (!alive(service.child) || service.child.pid === undefined) return;
  try {
    process.kill(-service.child.pid, sig);
  } catch {
    service.child.kill(sig);
  }
}

/**
 * Starts `node --import tsx <dir>/src/index.ts` from the repository root with `env`. Detached,
 * so that we decide the shutdown order: services drain before Postgres goes away.
 */
export function spawnService(spec: ServiceSpec, root: string, env: NodeJS.ProcessEnv): RunningService {
  const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), '--import', import.meta.resolve('tsx'), path.join(spec.dir, spec.entry ?? 'src/index.ts')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  pipeLines(spec.label ?? spec.name, child.stdout!, process.stdout);
  pipeLines(spec.label ?? spec.name, child.stderr!, process.stderr);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close' rather than 'exit': its last output lines have been read by then.
    child.once('close', (code, sig) => resolve({ code, signal: sig }));
    child.once('error', () => resolve({ code: null, signal: null })); // could not spawn at all
  });
  const service = { ...spec, child, exited };
  // Never leave a service behind if we die without stopping it (and forget it once it is gone,
  // so a launcher that restarts its services does not pile up listeners).
  const orphaned = () => signal(service, 'SIGTERM');
  process.once('exit', orphaned);
  void exited.then(() => process.off('exit', orphaned));
  return service;
}

/**
 * Polls each service's `/ready` until it answers 200. Rejects at the deadline naming every service
 * still not ready, with its last answer; `cancelled()` ends the wait early.
 */
export async function waitUntilReady(services: ServiceSpec[], timeoutMs: number, cancelled: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const failures = await Promise.all(
    services.map(async (service) => {
      const url = `http://127.0.0.1:${service.port}/ready`;
      for (;;) {
        const probe = await probeReady(url, 2_000);
        if (probe.ok || cancelled()) return undefined;
        if (Date.now() > deadline) return `${service.name} (${url}: ${probe.reason})`;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }),
  );
  const notReady = failures.filter((f): f is string => f !== undefined);
  if (notReady.length) throw new Error(`not ready within ${Math.round(timeoutMs / 1000)} s: ${notReady.join('; ')}`);
}

/** SIGTERM to every service, SIGKILL to those still running after `graceMs`. Returns those that had to be killed. */
export async function stopServices(services: RunningService[], graceMs: number): Promise<string[]> {
  const running = services.filter((s) => alive(s.child));
  for (const service of running) signal(service, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
  await Promise.race([Promise.all(running.map((s) => s.exited)), graceOver]);
  clearTimeout(timer);
  const killed = running.filter((s) => alive(s.child));
  for (const service of killed) signal(service, 'SIGKILL');
  await Promise.all(killed.map((s) => s.exited));
  return killed.map((s) => s.name);
}

/** SIGKILL to every service still running, at once (a second Ctrl-C). */
export function killServices(services: RunningService[]): void {
  for (const service of services) signal(service, 'SIGKILL');
}
