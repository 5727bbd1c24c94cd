/**
 * Entry point of the storefront server: builds the app when a source is newer than `dist/`
 * (a few seconds, once), then serves it with `/config.json` and the demo login.
 */
import { runMain } from '@platform/server';
import { ensureBuilt } from './build.ts';
import { loadStorefrontConfig } from './config.ts';
import { startStorefront } from './app.ts';

await runMain('storefront', () => loadStorefrontConfig(), async (config, logger) => {
  const started = performance.now();
  if (await ensureBuilt()) logger.info({ ms: Math.round(performance.now() - started) }, 'built the storefront (vite build)');
  return startStorefront(config, logger);
});
