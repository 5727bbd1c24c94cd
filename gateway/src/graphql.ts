/**
 * graphql-js as Apollo Gateway loads it. Apollo is CommonJS; an ESM `import 'graphql'` can
 * resolve to the package's separate `.mjs` build (it does under Vite/vitest), and graphql-js
 * refuses schemas and errors from "another module or realm". The API schema comes from the
 * gateway and graphql-ws checks `instanceof GraphQLError`, so this module validates, executes
 * and builds errors with the CommonJS instance (the same fix as `scripts/compose.ts`).
 */
import { createRequire } from 'node:module';

export const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');
