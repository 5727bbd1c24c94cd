/**
 * Command timeouts, observed: ioredis rejects a command that got no reply within
 * `commandTimeout` with "Command timed out" (the command stays queued; its late reply is
 * dropped). Every command of a client, pipelined and auto-pipelined ones included (a pipeline
 * sends each of its commands through the client's `sendCommand`) and those a Cluster routes to
 * a node, passes through the client's `sendCommand`, so one hook there sees every timeout.
 */
import type { Command } from 'ioredis';
import type { Redis } from './index.ts';

/** The message ioredis rejects a timed-out command with (`Command#setTimeout`). */
export const COMMAND_TIMED_OUT = 'Command timed out';

type Send = (command: Command, ...rest: unknown[]) => unknown;

/** Marks a command already watched (a property, not a WeakSet: this runs for every command sent). */
const WATCHED = Symbol('timeout watched');

/**
 * Calls `listener` with the command's name (`get`, `mget`, `evalsha`, ...: Redis's own command
 * names, a bounded set) each time one of `redis`'s commands times out. A command sent twice (a
 * Cluster redirect, an offline-queue replay) is counted at most once.
 */
export function onCommandTimeout(redis: Redis, listener: (command: string) => void): void {
  const client = redis as unknown as { sendCommand: Send };
  const send: Send = client.sendCommand.bind(redis);
  client.sendCommand = (command, ...rest) => {
    const marked = command as Command & { [WATCHED]?: true };
    if (marked[WATCHED] === undefined) {
      marked[WATCHED] = true;
      const reject = command.reject;
      command.reject = (error: Error) => {
        if (error?.message === COMMAND_TIMED_OUT) listener(command.name.toLowerCase());
        reject(error);
      };
    }
    return send(command, ...rest);
  };
}
