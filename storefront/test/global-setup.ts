/** vitest global setup: build the storefront once per run (only when a source changed). */
import { ensureBuilt } from '../server/build.ts';

export default async function setup(): Promise<void> {
  await ensureBuilt();
}
