/**
 * Vite builds the storefront into `dist/` (served by `server/`). The SDK is bundled from its
 * source in this repository, exactly the code partners get from the published package.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@cart-platform/sdk': fileURLToPath(new URL('../packages/sdk/src/index.ts', import.meta.url)) } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 800 },
  // `npm run dev -w @platform/storefront`: Vite's dev server, with /config.json and the demo
  // login from a running storefront server (npm start).
  server: { port: 5173, proxy: { '/config.json': 'http://127.0.0.1:4100', '/api': 'http://127.0.0.1:4100' } },
});
