/**
 * The shard guard over the whole end-to-end suite (issue 17, README "Distribution"). Every e2e
 * file's cart and order subgraph statements (their pools' `application_name`,
 * `SHARD_GUARDED_APPLICATIONS`) are read by `shardProblem` as they run; the setup file
 * (`shard-guard-setup.ts`) writes each file's report as JSON into the run's directory, and the
 * global teardown (`global-setup.ts`) fails the run naming every statement against an
 * owner-keyed table that is not restricted to one owner, cart, order or checkout, and the files
 * that ran it. Test fixtures' own SQL (no application name) is not the subgraphs' and is not read.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARD_GUARDED_APPLICATIONS, shardAllowed, shardProblem, type ShardFileReport } from '@platform/testing';
import { tapSql } from './sql-recorder.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The key under which the global setup provides the run's report directory. */
export const SHARD_GUARD_DIR = 'shardGuardDir' as const;

declare module 'vitest' {
  export interface ProvidedContext {
    shardGuardDir: string;
  }
}

export interface FileShardRecorder {
  /** Guarded statements seen so far, per application. */
  readonly statements: Record<string, number>;
  /** The distinct non-shard-local statements so far (less the allow-list and whatever `forget` dropped). */
  violations(): ShardFileReport['violations'];
  /** Drops violations matching `pattern` (a test that runs one on purpose, to prove the guard sees it). */
  forget(pattern: RegExp): void;
  stop(): void;
}

let current: FileShardRecorder | undefined;

/** The recorder of the test file running now in this worker, when the setup file installed one. */
export function currentShardRecorder(): FileShardRecorder | undefined {
  return current;
}

/** Starts reading the guarded applications' statements for one test file. */
export function recordShardLocality(applications: readonly string[] = SHARD_GUARDED_APPLICATIONS): FileShardRecorder {
  const statements: Record<string, number> = {};
  const checked = new Set<string>();
  const found = new Map<string, { problem: string; application: string }>();
  const detach = tapSql((s) => {
    if (!s.application || !applications.includes(s.application)) return;
    statements[s.application] = (statements[s.application] ?? 0) + 1;
    const sql = s.text.replace(/\s+/g, ' ').trim();
    const key = `${s.application}\u0000${sql}`;
    if (checked.has(key)) return;
    checked.add(key);
    const problem = shardProblem(sql);
    if (problem && !shardAllowed(sql) && !found.has(sql)) found.set(sql, { problem, application: s.application });
  });
  const recorder: FileShardRecorder = {
    statements,
    violations: () => [...found].map(([sql, v]) => ({ sql, ...v })),
    forget: (pattern) => {
      for (const sql of [...found.keys()]) if (pattern.test(sql)) found.delete(sql);
    },
    stop: () => {
      detach();
      if (current === recorder) current = undefined;
    },
  };
  current = recorder;
  return recorder;
}

/** Writes one file's report into the run's directory. */
export async function writeShardReport(dir: string, testFile: string, recorder: FileShardRecorder): Promise<void> {
  const file = relative(ROOT, testFile) || testFile;
  const report: ShardFileReport = { file, statements: { ...recorder.statements }, violations: recorder.violations() };
  await mkdir(dir, { recursive: true });
  const name = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}-${basename(testFile)}.json`;
  await writeFile(join(dir, name), JSON.stringify(report));
}

/** Every report written into `dir` this run. */
export async function readShardReports(dir: string): Promise<ShardFileReport[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const reports = await Promise.all(names.filter((n) => n.endsWith('.json')).map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as ShardFileReport));
  return reports.sort((a, b) => a.file.localeCompare(b.file));
}
