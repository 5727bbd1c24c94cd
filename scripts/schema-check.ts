/**
 * The schema as a promise to the people who build on it: `schema/api.graphql` (the public
 * contract, composed from the subgraph SDLs) is compared with the last released contract,
 * `schema/released/api.graphql`, by `@graphql-inspector/core`. Every BREAKING change must be
 * acknowledged in the `## Unreleased` section of `schema/CHANGES.md` with a migration note:
 *
 *   - BREAKING: Product.brand: read `Product.attributes.brand` instead; removed in 0.2.0.
 *
 * Additions never need an entry. Deprecations need a reason (`@deprecated(reason: "...")`).
 *
 *   npm run schema:check                        composes the subgraph SDLs and fails listing each
 *                                               unacknowledged breaking change
 *   npm run schema:check -- --current <file>    checks a composed API schema file instead (tests)
 *   npm run schema:release -- <version>         after a release: the current contract becomes the
 *                                               released one, `## Unreleased` becomes `## <version>`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import type { GraphQLSchema } from 'graphql';
import { compose, loadSubgraphSources } from './compose.ts';

// inspector and graphql from one module system (CommonJS), or graphql-js refuses a schema built
// by "another module or realm" (vitest and tsx resolve `graphql` differently for ESM imports).
const require = createRequire(import.meta.url);
const { CriticalityLevel, diff } = require('@graphql-inspector/core') as typeof import('@graphql-inspector/core');
const { buildSchema, DEFAULT_DEPRECATION_REASON, isEnumType, isInputObjectType, isInterfaceType, isObjectType } = require('graphql') as typeof import('graphql');

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PATHS = {
  current: join(ROOT, 'schema/api.graphql'),
  released: join(ROOT, 'schema/released/api.graphql'),
  changes: join(ROOT, 'schema/CHANGES.md'),
};

export interface BreakingChange {
  /** Schema coordinate of what broke, e.g. `Product.brand` or `AddCartLineInput.note`. */
  path: string;
  /** inspector's description, e.g. "Field 'brand' was removed from object type 'Product'". */
  message: string;
}

export interface SchemaReport {
  /** Breaking changes without an acknowledgement: the check fails on any. */
  unacknowledged: BreakingChange[];
  /** Breaking changes listed in `## Unreleased` with their migration note. */
  acknowledged: (BreakingChange & { note: string })[];
  /** Additions and other safe changes, for the log. */
  safe: number;
  /** Deprecations without a reason of their own. */
  deprecationsWithoutReason: string[];
}

/** Every breaking change from `released` to `current` (SDL texts). */
export async function breakingChanges(released: string, current: string): Promise<{ breaking: BreakingChange[]; safe: number }> {
  const changes = await diff(buildSchema(released), buildSchema(current));
  const breaking = changes
    .filter((c) => c.criticality.level === CriticalityLevel.Breaking)
    .map((c) => ({ path: c.path ?? '(schema)', message: c.message }))
    .sort((a, b) => a.path.localeCompare(b.path));
  return { breaking, safe: changes.length - breaking.length };
}

/**
 * The acknowledgements of `## Unreleased` in CHANGES.md: `- BREAKING: <coordinate>: <note>`,
 * coordinate to note. A line without a note does not count: partners need the migration.
 */
export function acknowledgements(changesMd: string): Map<string, string> {
  const acks = new Map<string, string>();
  let inUnreleased = false;
  for (const line of changesMd.split('\n')) {
    const heading = /^##\s+(.*)$/.exec(line);
    if (heading) {
      inUnreleased = heading[1]!.trim().toLowerCase() === 'unreleased';
      continue;
    }
    const entry = inUnreleased && /^\s*[-*]\s+BREAKING:\s*`?([^\s:`]+)`?\s*:\s*(.+?)\s*$/.exec(line);
    if (entry && entry[2]!.length > 0) acks.set(entry[1]!, entry[2]!);
  }
  return acks;
}

/** Fields, arguments, input fields and enum values deprecated with graphql's default reason. */
export function deprecationsWithoutReason(schema: GraphQLSchema): string[] {
  const found: string[] = [];
  const check = (coordinate: string, reason: string | null | undefined) => {
    if (reason === DEFAULT_DEPRECATION_REASON || reason === '') found.push(coordinate);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.deprecationReason);
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name}:)`, arg.deprecationReason);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.deprecationReason);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.deprecationReason);
    }
  }
  return found.sort();
}

/** Compares the SDL texts and sorts each breaking change into acknowledged or not. */
export async function checkSchema(texts: { current: string; released: string; changes: string }): Promise<SchemaReport> {
  const { breaking, safe } = await breakingChanges(texts.released, texts.current);
  const acks = acknowledgements(texts.changes);
  const report: SchemaReport = { unacknowledged: [], acknowledged: [], safe, deprecationsWithoutReason: deprecationsWithoutReason(buildSchema(texts.current)) };
  for (const change of breaking) {
    const note = acks.get(change.path);
    if (note) report.acknowledged.push({ ...change, note });
    else report.unacknowledged.push(change);
  }
  return report;
}

/** The human-readable failure (or success) text of a report. */
export function describeReport(report: SchemaReport, shown: { current: string; released: string; changes: string }): { ok: boolean; text: string } {
  const lines: string[] = [];
  for (const change of report.acknowledged) lines.push(`schema: acknowledged breaking change ${change.path} (${change.note})`);
  if (report.unacknowledged.length) {
    lines.push(`schema: ${report.unacknowledged.length} breaking change(s) in ${shown.current} against the released contract ${shown.released}:`);
    for (const change of report.unacknowledged) lines.push(`  - BREAKING ${change.path}: ${change.message}`);
    lines.push(
      `Clients built on the released schema would break. Restore what was removed or changed (deprecate it with @deprecated(reason: "...") instead),`,
      `or, if the break is intended, add under "## Unreleased" in ${shown.changes} one line per change:`,
      ...report.unacknowledged.map((c) => `  - BREAKING: ${c.path}: <what a client must do instead>`),
    );
  }
  if (report.deprecationsWithoutReason.length) {
    lines.push(`schema: deprecated without a reason (write @deprecated(reason: "use X instead")):`, ...report.deprecationsWithoutReason.map((c) => `  - ${c}`));
  }
  const ok = report.unacknowledged.length === 0 && report.deprecationsWithoutReason.length === 0;
  if (ok) lines.push(`schema: no unacknowledged breaking change against the released contract (${report.safe} safe change(s))`);
  return { ok, text: lines.join('\n') };
}

/** Marks the current contract as released: copies it and renames `## Unreleased` to `## <version>`. */
export function release(version: string, paths = PATHS): void {
  const changes = readFileSync(paths.changes, 'utf8');
  const date = new Date().toISOString().slice(0, 10);
  const renamed = changes.replace(/^##[ \t]+Unreleased[ \t]*$/m, `## Unreleased\n\n## ${version} (${date})`);
  writeFileSync(paths.changes, renamed);
  writeFileSync(paths.released, readFileSync(paths.current, 'utf8'));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { current: { type: 'string' }, released: { type: 'string' }, changes: { type: 'string' }, release: { type: 'boolean' } },
  });
  const paths = { current: PATHS.current, released: values.released ?? PATHS.released, changes: values.changes ?? PATHS.changes };
  if (values.release) {
    const version = positionals[0];
    if (!version || !/^\d+\.\d+\.\d+/.test(version)) {
      console.error('usage: npm run schema:release -- <version>   (e.g. 0.2.0)');
      process.exit(2);
    }
    release(version, paths);
    console.log(`schema: ${relative(ROOT, paths.current)} released as ${version}`);
    return;
  }
  // By default the subgraph SDLs are composed afresh, so a removed field is named even before
  // `npm run compose` has rewritten schema/api.graphql (compose:check reports that drift).
  let current: string;
  let currentName: string;
  if (values.current) {
    current = readFileSync(values.current, 'utf8');
    currentName = relative(ROOT, values.current);
  } else {
    const composition = compose(loadSubgraphSources());
    if (!composition.ok) {
      console.error(`schema: the subgraph SDLs do not compose:\n${composition.errors.map((e) => `  - ${e}`).join('\n')}`);
      process.exit(1);
    }
    current = composition.api;
    currentName = 'the subgraph SDLs (composed)';
  }
  const shown = { current: currentName, released: relative(ROOT, paths.released), changes: relative(ROOT, paths.changes) };
  const report = await checkSchema({ current, released: readFileSync(paths.released, 'utf8'), changes: readFileSync(paths.changes, 'utf8') });
  const { ok, text } = describeReport(report, shown);
  (ok ? console.log : console.error)(text);
  process.exit(ok ? 0 : 1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
