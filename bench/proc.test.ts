import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clockTicksPerSecond, cpuMsBetween, parseProcStat, parseVmRssKb, readCpuMs, readCpuMsByCommand, readRssMb } from './proc.ts';

describe('parseProcStat', () => {
  it('reads utime and stime (fields 14 and 15)', () => {
    const line = '4242 (node) S 1 4242 4242 0 -1 4194560 9000 0 12 0 1234 567 0 0 20 0 11 0 99999 1234567 8910 18446744073709551615';
    expect(parseProcStat(line)).toEqual({ utimeTicks: 1234, stimeTicks: 567 });
  });

  it('counts fields after the last ")", so a command name with spaces and parentheses cannot shift them', () => {
    const line = '77 (node (bench) x) R 1 77 77 0 -1 0 0 0 0 0 31 9 0 0 20 0 1 0 5 6 7';
    expect(parseProcStat(line)).toEqual({ utimeTicks: 31, stimeTicks: 9 });
  });

  it('refuses text that is not a stat line', () => {
    expect(() => parseProcStat('garbage')).toThrow(/stat/);
    expect(() => parseProcStat('1 (x) R 1 2')).toThrow(/utime/);
  });
});

describe('parseVmRssKb', () => {
  it('reads VmRSS from /proc/<pid>/status, or nothing when the line is absent', () => {
    expect(parseVmRssKb('Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t  204800 kB\nThreads:\t11\n')).toBe(204_800);
    expect(parseVmRssKb('Name:\tzombie\nState:\tZ (zombie)\n')).toBeUndefined();
  });
});

describe('reading this very process', () => {
  it('sees CPU time grow while it works, and a plausible resident size', () => {
    const before = readCpuMs(process.pid);
    expect(before).toBeTypeOf('number');
    // Spin until the kernel charges us at least one clock tick (10 ms), within 10 s of wall time
    // even on a crowded machine; a reader that never moved would spin to the deadline and fail.
    const tick = 1000 / clockTicksPerSecond();
    const deadline = Date.now() + 10_000;
    let after = before!;
    while (after - before! < tick && Date.now() < deadline) after = readCpuMs(process.pid)!;
    expect(after - before!).toBeGreaterThanOrEqual(tick);
    expect(readRssMb(process.pid)).toBeGreaterThan(10);
  });

  it('answers undefined for a process that does not exist', () => {
    expect(readCpuMs(2 ** 30)).toBeUndefined();
    expect(readRssMb(2 ** 30)).toBeUndefined();
  });
});

describe('readCpuMsByCommand', () => {
  it("reads every process of a command (this one's included) and leaves out commands that have none", () => {
    const command = readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim();
    const own = readCpuMs(process.pid)!;
    const found = readCpuMsByCommand([command, 'no-such-command-here']);
    expect(Object.keys(found)).toEqual([command]);
    expect(found[command]![process.pid]).toBeGreaterThanOrEqual(own);
  });
});

describe('cpuMsBetween', () => {
  it('adds what each process seen twice used and all of what a new one used; one that exited never makes it negative', () => {
    // pid 1 used 30 ms more, pid 2 exited (its 500 ms are gone), pid 3 started and used 40 ms.
    expect(cpuMsBetween({ 1: 100, 2: 500 }, { 1: 130, 3: 40 })).toBe(70);
    expect(cpuMsBetween({ 2: 500 }, {})).toBe(0);
    expect(cpuMsBetween(undefined, { 7: 12 })).toBe(12);
  });
});
