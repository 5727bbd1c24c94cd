/**
 * The import graph, checked on every run so the layering holds without anyone remembering it:
 *
 *   (a) `packages/` is the bottom layer: nothing in it imports the gateway, a subgraph, the
 *       scripts, the e2e harness or the benchmarks, by relative path or by package name.
 *   (b) A subgraph's `src/data/` and `src/cache/` sit below its `src/services/` and never
 *       import from it.
 *   (c) A subgraph's `src/contract/` (its public, transport-level contract) depends only on zod,
 *       `@platform/config`, `@platform/server`, `node:*` and the rest of that same contract.
 *
 * Specifiers come from TypeScript's own pre-processor, so comments and strings that merely look
 * like imports are not counted, while `import type`, `export ... from` and `import('...')` are.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface SourceFile {
  /** Repository-relative, with forward slashes. */
  path: string;
  text: string;
}

interface Workspace {
  name: string;
  /** Repository-relative folder. */
  dir: string;
  /** `exports` of its package.json: subpath (".", "./config") to a file relative to `dir`. */
  exports: Record<string, string>;
}

interface Violation {
  rule: 'a' | 'b' | 'c';
  file: string;
  line: number;
  specifier: string;
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage']);

/** Every `.ts` file under `root`, except dependencies, hidden folders and generated code. */
function readSources(root: string): SourceFile[] {
  const found: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const path = relative(root, full).split('\\').join('/');
      if (statSync(full).isDirectory()) {
        if (!SKIPPED_DIRS.has(name) && !name.startsWith('.') && !path.endsWith('src/generated')) walk(full);
      } else if (name.endsWith('.ts')) {
        found.push({ path, text: readFileSync(full, 'utf8') });
      }
    }
  };
  walk(root);
  return found;
}

/** The workspaces the root package.json declares (`dir` or `dir/*`), with their names and exports. */
function readWorkspaces(root: string): Workspace[] {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  const dirs = workspaces.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)))
          .sort()
          .map((name) => `${pattern.slice(0, -2)}/${name}`)
      : [pattern],
  );
  return dirs.flatMap((dir) => {
    let manifest: { name?: string; exports?: Record<string, string | Record<string, string>> };
    try {
      manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    } catch {
      return [];
    }
    if (!manifest.name) return [];
    const exports = Object.fromEntries(Object.entries(manifest.exports ?? {}).map(([key, value]) => [key, typeof value === 'string' ? value : (value.import ?? value.default ?? '')]));
    return [{ name: manifest.name, dir, exports }];
  });
}

/** Module specifiers of one file with their 1-based lines. */
function importsOf(text: string): { specifier: string; line: number }[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map((f) => ({ specifier: f.fileName, line: text.slice(0, f.pos).split('\n').length }));
}

/**
 * The repository path an import lands on: relative specifiers resolved against the importing
 * file, workspace package names through their `exports`; `undefined` for anything external.
 */
function resolveImport(from: string, specifier: string, workspaces: Workspace[]): string | undefined {
  if (specifier.startsWith('.')) return posix.normalize(posix.join(posix.dirname(from), specifier));
  const workspace = workspaces.find((w) => specifier === w.name || specifier.startsWith(`${w.name}/`));
  if (!workspace) return undefined;
  const subpath = `.${specifier.slice(workspace.name.length)}`;
  const file = workspace.exports[subpath];
  return posix.normalize(posix.join(workspace.dir, file ?? subpath));
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/** Layers above `packages/`; the package names are listed too so an unresolved name still counts. */
const ABOVE_PACKAGES = ['gateway', 'subgraphs', 'scripts', 'e2e', 'bench'];
const APP_PACKAGE_NAMES = /^(@subgraph\/[^/]+|@platform\/gateway|@platform\/e2e)(\/|$)/;

const CONTRACT_PACKAGES = ['zod', '@platform/config', '@platform/server'];

function findViolations(files: SourceFile[], workspaces: Workspace[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const layer = /^subgraphs\/([^/]+)\/src\/(data|cache|contract)\//.exec(file.path);
    const inPackages = file.path.startsWith('packages/');
    if (!inPackages && !layer) continue;
    for (const { specifier, line } of importsOf(file.text)) {
      const target = resolveImport(file.path, specifier, workspaces);
      const report = (rule: Violation['rule']) => violations.push({ rule, file: file.path, line, specifier });
      if (inPackages && (APP_PACKAGE_NAMES.test(specifier) || (target !== undefined && ABOVE_PACKAGES.some((dir) => under(target, dir))))) report('a');
      if (!layer) continue;
      const [, subgraph, kind] = layer;
      if ((kind === 'data' || kind === 'cache') && target !== undefined && under(target, `subgraphs/${subgraph}/src/services`)) report('b');
      if (kind === 'contract') {
        const allowed = specifier.startsWith('node:') || CONTRACT_PACKAGES.some((name) => specifier === name || specifier.startsWith(`${name}/`)) || (specifier.startsWith('.') && target !== undefined && under(target, `subgraphs/${subgraph}/src/contract`));
        if (!allowed) report('c');
      }
    }
  }
  return violations;
}

const listed = (violations: Violation[], rule: Violation['rule']) => violations.filter((v) => v.rule === rule).map((v) => `${v.file}:${v.line} -> ${v.specifier}`);

describe('the checker itself', () => {
  const workspaces: Workspace[] = [
    { name: '@platform/logger', dir: 'packages/logger', exports: { '.': './src/index.ts' } },
    { name: '@platform/errors', dir: 'packages/errors', exports: { '.': './src/index.ts' } },
    { name: '@platform/config', dir: 'packages/config', exports: { '.': './src/index.ts' } },
    { name: '@platform/e2e', dir: 'e2e', exports: { './support': './support/index.ts' } },
    { name: '@subgraph/demo', dir: 'subgraphs/demo', exports: { '.': './src/app.ts', './services': './src/services/index.ts' } },
  ];
  const files: SourceFile[] = [
    {
      path: 'packages/demo/src/index.ts',
      text: [
        "import { createLogger } from '@platform/logger';",
        "import { startGateway } from '../../../gateway/src/app.ts';",
        "import type { Config } from '@subgraph/cart/config';",
        "export * from '@platform/e2e/support';",
        "const { seed } = await import('../../../scripts/seed/index.ts');",
        "// import '../../../bench/lib.ts' is only a comment",
        "const text = \"import '../../../bench/lib.ts'\";",
        "export { measure } from '../../../bench/lib.ts';",
        "import { sibling } from './sibling.ts';",
      ].join('\n'),
    },
    {
      path: 'subgraphs/demo/src/data/rows.ts',
      text: [
        "import { cost } from '../services/cost.ts';",
        "import { rows } from '../cache/rows.ts';",
        "import type { Other } from '../../../other/src/services/other.ts';",
        "import { all } from '@subgraph/demo/services';",
        "import { servicesLike } from '../services-like.ts';",
      ].join('\n'),
    },
    { path: 'subgraphs/demo/src/cache/rows.ts', text: "export { view } from '../services';\nconst lazy = () => import('../services/lazy.ts');" },
    { path: 'subgraphs/demo/src/services/cost.ts', text: "import { rows } from '../data/rows.ts';" },
    {
      path: 'subgraphs/demo/src/contract/cart.ts',
      text: [
        "import { z } from 'zod';",
        "import { z as mini } from 'zod/mini';",
        "import { loadConfig } from '@platform/config';",
        "import type { Server } from '@platform/server';",
        "import { readFile } from 'node:fs/promises';",
        "import { shape } from './shape.ts';",
        "import { deep } from './v1/deep.ts';",
        "import type { Prisma } from '../generated/prisma/client.ts';",
        "import { AppError } from '@platform/errors';",
        "import pg from 'pg';",
        "import fs from 'fs';",
        "import { other } from '../../../other/src/contract/x.ts';",
        "import { zodLike } from 'zod-like';",
      ].join('\n'),
    },
  ];
  const found = findViolations(files, workspaces);

  it('flags every kind of import from packages/ into the layers above it, and nothing else', () => {
    expect(listed(found, 'a')).toEqual([
      'packages/demo/src/index.ts:2 -> ../../../gateway/src/app.ts',
      'packages/demo/src/index.ts:3 -> @subgraph/cart/config',
      'packages/demo/src/index.ts:4 -> @platform/e2e/support',
      'packages/demo/src/index.ts:5 -> ../../../scripts/seed/index.ts',
      'packages/demo/src/index.ts:8 -> ../../../bench/lib.ts',
    ]);
  });

  it('flags data and cache importing their own services, by path, by folder, by package or lazily', () => {
    expect(listed(found, 'b')).toEqual([
      'subgraphs/demo/src/data/rows.ts:1 -> ../services/cost.ts',
      'subgraphs/demo/src/data/rows.ts:4 -> @subgraph/demo/services',
      'subgraphs/demo/src/cache/rows.ts:1 -> ../services',
      'subgraphs/demo/src/cache/rows.ts:2 -> ../services/lazy.ts',
    ]);
  });

  it('flags a contract importing anything outside its allow-list', () => {
    expect(listed(found, 'c')).toEqual([
      'subgraphs/demo/src/contract/cart.ts:8 -> ../generated/prisma/client.ts',
      'subgraphs/demo/src/contract/cart.ts:9 -> @platform/errors',
      'subgraphs/demo/src/contract/cart.ts:10 -> pg',
      'subgraphs/demo/src/contract/cart.ts:11 -> fs',
      'subgraphs/demo/src/contract/cart.ts:12 -> ../../../other/src/contract/x.ts',
      'subgraphs/demo/src/contract/cart.ts:13 -> zod-like',
    ]);
  });
});

describe('import graph of this repository', () => {
  const files = readSources(ROOT);
  const workspaces = readWorkspaces(ROOT);
  const violations = findViolations(files, workspaces);

  it('reads the whole repository (so an empty result below means something)', () => {
    const paths = files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['packages/testing/src/index.ts', 'e2e/support/stack.ts', 'gateway/src/app.ts', 'scripts/architecture.test.ts']));
    expect(paths.filter((p) => p.includes('node_modules/') || p.includes('/src/generated/'))).toEqual([]);
    expect(workspaces.map((w) => w.name)).toEqual(expect.arrayContaining(['@platform/testing', '@platform/gateway', '@platform/e2e', '@subgraph/cart', '@subgraph/pricing']));
  });

  it('(a) nothing under packages/ imports the apps, scripts, e2e or bench', () => {
    expect(listed(violations, 'a')).toEqual([]);
  });

  it("(b) a subgraph's data/ and cache/ never import its services/", () => {
    expect(listed(violations, 'b')).toEqual([]);
  });

  it("(c) a subgraph's contract/ imports only zod, @platform/config, @platform/server, node:* and itself", () => {
    expect(listed(violations, 'c')).toEqual([]);
  });
});
