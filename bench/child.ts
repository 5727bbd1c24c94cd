/**
 * The bench's helper processes (load generator, floor servers, device fleets), each its own OS
 * process started as `node --import tsx <file>`. They talk JSON lines: the parent writes
 * commands on the child's stdin, the child answers on stdout; stderr passes through. Every child
 * is tracked so that teardown (normal, failure or Ctrl-C) can end them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

export interface BenchChild {
  pid: number;
  /** The next message of `type` (messages are `{ type, ... }` objects); rejects if the child exits first. */
  next<T extends { type: string }>(type: T['type'], timeoutMs?: number): Promise<T>;
  send(message: unknown): void;
  /** Ends the child's stdin: children that serve until then clean up and exit. */
  close(): void;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  kill(): void;
}

const live = new Set<ChildProcess>();

/** Writes one JSON line to the parent (for the children's side of the protocol). */
export function reply<T extends { type: string }>(message: T): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** The commands the parent sends, one parsed JSON value per line (for the children's side). */
export function commands(): AsyncIterableIterator<unknown> {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      const line = await iterator.next();
      return line.done ? { done: true, value: undefined } : { done: false, value: JSON.parse(line.value) as unknown };
    },
  };
}

/** Starts `file` (a path or file: URL of a bench module) and sends `input` as its first line. */
export function startChild(file: string | URL, input: unknown, env: NodeJS.ProcessEnv): BenchChild {
  const path = typeof file === 'string' ? file : file.pathname;
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path], { stdio: ['pipe', 'pipe', 'inherit'], env });
  if (child.pid === undefined) throw new Error(`could not start ${path}`);
  live.add(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  const inbox: { type: string }[] = [];
  const waiting: { type: string; resolve: (m: { type: string }) => void }[] = [];
  readline.createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (line) => {
    let message: { type: string };
    try {
      message = JSON.parse(line) as { type: string };
    } catch {
      process.stderr.write(`${line}\n`); // a stray console.log in a child is shown, not lost
      return;
    }
    const index = waiting.findIndex((w) => w.type === message.type);
    if (index >= 0) waiting.splice(index, 1)[0]!.resolve(message);
    else inbox.push(message);
  });
  child.stdin!.on('error', () => undefined); // a child that died mid-write must not crash us
  child.stdin!.write(`${JSON.stringify(input)}\n`);
  return {
    pid: child.pid,
    exited,
    send: (message) => void child.stdin!.write(`${JSON.stringify(message)}\n`),
    close: () => void child.stdin!.end(),
    kill: () => void child.kill('SIGKILL'),
    next<T extends { type: string }>(type: T['type'], timeoutMs = 30 * 60_000): Promise<T> {
      const queued = inbox.findIndex((m) => m.type === type);
      if (queued >= 0) return Promise.resolve(inbox.splice(queued, 1)[0] as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${path}: no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
        const entry = { type, resolve: (m: { type: string }) => (clearTimeout(timer), resolve(m as T)) };
        waiting.push(entry);
        void exited.then((code) => {
          clearTimeout(timer);
          if (waiting.includes(entry)) reject(new Error(`${path} exited (code ${code}) before sending "${type}"`));
        });
      });
    },
  };
}

/** Ends every child still running (teardown). */
export function killAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
}
