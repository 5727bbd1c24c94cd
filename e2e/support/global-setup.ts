/**
 * vitest global setup for end-to-end tests: build the template database once per run, and give
 * the run a directory for the shard guard's per-file reports (`shard-guard.ts`); the teardown
 * fails the run on any statement the cart or order subgraphs ran that is not shard-local.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { shardGuardFailure } from '@platform/testing';
import { ensureTemplate } from './database.ts';
import { readShardReports, SHARD_GUARD_DIR } from './shard-guard.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await ensureTemplate();
  const dir = await mkdtemp(join(tmpdir(), 'cp-shard-guard-'));
  project.provide(SHARD_GUARD_DIR, dir);
  return async () => {
    const reports = await readShardReports(dir);
    await rm(dir, { recursive: true, force: true });
    const failure = shardGuardFailure(reports);
    if (!failure) return;
    // vitest runs global teardowns while closing, after it has set the exit code from the tests:
    // a throw here is only logged ("error during close"), so the code is set here too.
    process.exitCode = 1;
    throw new Error(failure);
  };
}
