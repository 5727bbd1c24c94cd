/**
 * The published build: ESM and CommonJS with type declarations. The generated operation types
 * of `packages/client` are imported by relative path, so they are inlined into the declarations;
 * the runtime needs only graphql-ws (and ws on Node without a global WebSocket).
 */
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node20',
  platform: 'neutral',
  external: ['graphql-ws', 'ws'],
  clean: true,
  sourcemap: false,
  outDir: 'dist',
});
