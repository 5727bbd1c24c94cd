/**
 * Setup file of the e2e project: records what the cart and order subgraphs run during each test
 * file and writes the file's shard-guard report for the global teardown to check
 * (`shard-guard.ts`). Runs before the file's own hooks, so its `afterAll` runs after theirs,
 * once the file's stacks are stopped.
 */
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { recordShardLocality, SHARD_GUARD_DIR, writeShardReport, type FileShardRecorder } from './shard-guard.ts';

let recorder: FileShardRecorder | undefined;
let file: string | undefined;

beforeAll(() => {
  file = expect.getState().testPath;
  recorder = recordShardLocality();
});

afterAll(async () => {
  if (!recorder) return;
  recorder.stop();
  const dir = inject(SHARD_GUARD_DIR);
  if (dir) await writeShardReport(dir, file ?? expect.getState().testPath ?? 'unknown test file', recorder);
  recorder = undefined;
});
