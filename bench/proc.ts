/**
 * What the kernel says about a process: CPU time from `/proc/<pid>/stat` (user + system, all
 * threads, so Node's worker and GC threads count too) and resident memory from
 * `/proc/<pid>/status`. Linux only; elsewhere the figures are reported as unknown.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** utime and stime in clock ticks, from the text of `/proc/<pid>/stat`. */
export function parseProcStat(text: string): { utimeTicks: number; stimeTicks: number } {
  // The command name (field 2) is in parentheses and may itself hold spaces or ')': the fixed
  // fields start after the LAST ')'. utime and stime are fields 14 and 15 of the whole line.
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  const rest = text.slice(close + 2).trim().split(/\s+/); // rest[0] is field 3 (state)
  const utimeTicks = Number(rest[11]);
  const stimeTicks = Number(rest[12]);
  if (!Number.isFinite(utimeTicks) || !Number.isFinite(stimeTicks)) throw new Error('no utime/stime in /proc/<pid>/stat');
  return { utimeTicks, stimeTicks };
}

/** VmRSS in kB from the text of `/proc/<pid>/status`; undefined when absent (a zombie has none). */
export function parseVmRssKb(text: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`, almost always 100). */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU milliseconds (user + system) a process has used so far; undefined when it is gone or /proc is missing. */
export function readCpuMs(pid: number): number | undefined {
  try {
    const { utimeTicks, stimeTicks } = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return ((utimeTicks + stimeTicks) * 1000) / clockTicksPerSecond();
  } catch {
    return undefined;
  }
}

/** Resident set size in MiB; undefined when the process is gone or /proc is missing. */
export function readRssMb(pid: number): number | undefined {
  try {
    const kb = parseVmRssKb(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb === undefined ? undefined : kb / 1024;
  } catch {
    return undefined;
  }
}

/**
 * CPU milliseconds so far of every process whose command (`/proc/<pid>/comm`) is one of
 * `commands`, per command and pid: the local data stores the services talk to (every Postgres
 * backend and worker, Redis, PgBouncer). Commands with no process are left out.
 */
export function readCpuMsByCommand(commands: readonly string[]): Record<string, Record<number, number>> {
  const found: Record<string, Record<number, number>> = {};
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return found;
  }
  for (const pid of pids) {
    let command: string;
    try {
      command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (!commands.includes(command)) continue;
    const cpu = readCpuMs(Number(pid));
    if (cpu !== undefined) (found[command] ??= {})[Number(pid)] = cpu;
  }
  return found;
}

/**
 * CPU ms a command's processes used between two `readCpuMsByCommand` readings: what each process
 * seen at both used, plus all of what a process started in between used. A process that exited
 * in between takes its time with it (undercounted, never negative).
 */
export function cpuMsBetween(before: Record<number, number> | undefined, after: Record<number, number>): number {
  let total = 0;
  for (const [pid, ms] of Object.entries(after)) total += Math.max(0, ms - (before?.[Number(pid)] ?? 0));
  return total;
}
