/**
 * `tsx scripts/prisma-generate.ts [subgraph...]`: `prisma generate` for each subgraph's schema
 * (all four unless some are named). One line per subgraph on success; Prisma's output on failure.
 *
 * The Prisma CLI downloads its native schema engine on every command, which fails offline;
 * `generate` never runs it, so pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file is enough.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SUBGRAPHS } from '@platform/config';

const root = path.resolve(import.meta.dirname, '..');
const prisma = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'prisma.cmd' : 'prisma');

const args = process.argv.slice(2);
const unknown = args.filter((a) => !(SUBGRAPHS as readonly string[]).includes(a));
if (unknown.length) {
  console.error(`prisma-generate: unknown subgraph ${unknown.join(', ')} (known: ${SUBGRAPHS.join(', ')})`);
  process.exit(2);
}
if (!existsSync(prisma)) {
  console.error(`prisma-generate: ${prisma} not found; run \`npm install\` first`);
  process.exit(1);
}

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};

for (const subgraph of args.length ? args : SUBGRAPHS) {
  const schema = path.join('prisma', subgraph, 'schema.prisma');
  const started = Date.now();
  const run = spawnSync(prisma, ['generate', '--schema', schema], { cwd: root, env, encoding: 'utf8' });
  if (run.status !== 0) {
    console.error(`prisma generate failed for ${subgraph} (${run.error?.message ?? `exit ${run.status ?? run.signal}`}):`);
    console.error(`${run.stdout ?? ''}${run.stderr ?? ''}`.trim());
    process.exit(1);
  }
  console.log(`prisma: generated ${subgraph} client (${Date.now() - started} ms)`);
}
