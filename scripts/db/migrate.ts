/**
 * `npm run db:migrate [-- <subgraph>...]`: creates each subgraph's database if needed and applies
 * its committed migrations (all four subgraphs unless some are named).
 */
import { SUBGRAPHS, type SubgraphName } from '@platform/config';
import { migrateAll } from './engine.ts';

const args = process.argv.slice(2);
const unknown = args.filter((a) => !(SUBGRAPHS as readonly string[]).includes(a));
if (unknown.length) {
  console.error(`db:migrate: unknown subgraph ${unknown.join(', ')} (known: ${SUBGRAPHS.join(', ')})`);
  process.exit(2);
}

try {
  const chosen = args.length ? (args as SubgraphName[]) : SUBGRAPHS;
  const results = await migrateAll(process.env, (msg) => console.log(msg), chosen);
  for (const { subgraph, applied } of results) {
    console.log(applied.length ? `${subgraph}: applied ${applied.join(', ')}` : `${subgraph}: up to date`);
  }
} catch (error) {
  console.error(`db:migrate failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
