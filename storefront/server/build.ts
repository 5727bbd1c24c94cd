/**
 * The storefront's production build (`vite build` into `storefront/dist`), made only when a
 * source is newer than the build: `npm start` and the browser tests serve the built files, which
 * load in a fraction of what Vite's dev server needs.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STOREFRONT_DIR = fileURLToPath(new URL('..', import.meta.url));
export const DIST_DIR = join(STOREFRONT_DIR, 'dist');
const REPO = join(STOREFRONT_DIR, '..');

/** Everything the bundle is made from. */
const SOURCES = [join(STOREFRONT_DIR, 'src'), join(STOREFRONT_DIR, 'index.html'), join(STOREFRONT_DIR, 'vite.config.ts'), join(REPO, 'packages/sdk/src'), join(REPO, 'packages/client/src/generated')];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

/** True when `dist/` is missing or older than a source. */
export function buildIsStale(): boolean {
  const built = join(DIST_DIR, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((source) => newestMtime(source) > builtAt);
}

/** Builds when stale; resolves with whether it built. */
export async function ensureBuilt(options: { force?: boolean } = {}): Promise<boolean> {
  if (!options.force && !buildIsStale()) return false;
  const { build } = await import('vite');
  await build({ root: STOREFRONT_DIR, configFile: join(STOREFRONT_DIR, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}
