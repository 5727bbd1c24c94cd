/**
 * The schema promise, proven on copies: a field removed from a subgraph SDL (in memory, composed
 * like `npm run compose` does) makes the check fail naming the field, unless CHANGES.md
 * acknowledges it with a migration note; an added field passes. The real files are never touched.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { compose, loadSubgraphSources, type SubgraphSource } from './compose.ts';
import { acknowledgements, checkSchema, PATHS, release } from './schema-check.ts';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'schema-check-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const released = readFileSync(PATHS.released, 'utf8');
const changes = readFileSync(PATHS.changes, 'utf8');

/** The composed API schema after `edit` changed one subgraph's SDL (a copy in memory). */
function composeWith(subgraph: string, edit: (sdl: string) => string): string {
  const sources: SubgraphSource[] = loadSubgraphSources().map((s) => (s.name === subgraph ? { ...s, sdl: edit(s.sdl) } : s));
  const composition = compose(sources);
  if (!composition.ok) throw new Error(`composition failed: ${composition.errors.join('; ')}`);
  return composition.api;
}

const withoutBrand = (sdl: string) => {
  const edited = sdl.replace(/\n\s*"Brand name, when the product has one."\n\s*brand: String\n/, '\n');
  if (edited === sdl) throw new Error('the product SDL no longer declares Product.brand as this test expects');
  return edited;
};

/** Runs the real CLI (`npm run schema:check`) on files in the temp folder. */
async function cli(current: string, changesText = changes): Promise<{ code: number; output: string }> {
  const currentPath = join(work, `api-${Math.random().toString(36).slice(2)}.graphql`);
  const changesPath = join(work, `CHANGES-${Math.random().toString(36).slice(2)}.md`);
  writeFileSync(currentPath, current);
  writeFileSync(changesPath, changesText);
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/schema-check.ts', '--current', currentPath, '--changes', changesPath]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, output: stdout + stderr };
  }
}

describe('schema check against the released contract', () => {
  it('passes on the committed schema/api.graphql', async () => {
    const report = await checkSchema({ current: readFileSync(PATHS.current, 'utf8'), released, changes });
    expect(report.unacknowledged).toEqual([]);
    expect(report.deprecationsWithoutReason).toEqual([]);
  });

  it('removing Product.brand from the product SDL fails the check with a message naming Product.brand', async () => {
    const { code, output } = await cli(composeWith('product', withoutBrand));
    expect(code).toBe(1);
    expect(output).toContain('BREAKING Product.brand');
    expect(output).toContain("Field 'brand' was removed from object type 'Product'");
  });

  it('the same removal passes once CHANGES.md acknowledges it under Unreleased with a migration note', async () => {
    const acknowledged = changes.replace('## Unreleased\n', '## Unreleased\n\n- BREAKING: Product.brand: read the brand from `Product.attributes.brand`.\n');
    const { code, output } = await cli(composeWith('product', withoutBrand), acknowledged);
    expect(output).toContain('acknowledged breaking change Product.brand');
    expect(code).toBe(0);
  });

  it('an acknowledgement outside Unreleased, or without a note, does not count', () => {
    const acks = acknowledgements(['## Unreleased', '- BREAKING: Cart.id:', '## 0.1.0', '- BREAKING: Product.brand: gone'].join('\n'));
    expect([...acks.keys()]).toEqual([]);
  });

  it('adding a described field to a subgraph SDL passes', async () => {
    const current = composeWith('product', (sdl) => sdl.replace('  "Brand name, when the product has one."\n', '  "Country the product is made in."\n  madeIn: String\n  "Brand name, when the product has one."\n'));
    expect(current).toContain('madeIn: String');
    const { code, output } = await cli(current);
    expect(output).toContain('no unacknowledged breaking change');
    expect(code).toBe(0);
  });

  it('a bare @deprecated (no reason) fails; one with a reason passes', async () => {
    const deprecate = (directive: string) => composeWith('product', (sdl) => sdl.replace(/(\n\s*brand: String)\n/, `$1 ${directive}\n`));
    const bare = await checkSchema({ current: deprecate('@deprecated'), released, changes });
    expect(bare.deprecationsWithoutReason).toEqual(['Product.brand']);
    const reasoned = await checkSchema({ current: deprecate('@deprecated(reason: "Use attributes.brand.")'), released, changes });
    expect(reasoned.deprecationsWithoutReason).toEqual([]);
    expect(reasoned.unacknowledged).toEqual([]);
  });

  it('schema:release makes the current contract the released one and opens a new Unreleased section', () => {
    const paths = { current: join(work, 'release-api.graphql'), released: join(work, 'release-released.graphql'), changes: join(work, 'release-CHANGES.md') };
    writeFileSync(paths.current, 'type Query { a: Int }\n');
    writeFileSync(paths.released, 'type Query { b: Int }\n');
    writeFileSync(paths.changes, '# Changes\n\n## Unreleased\n\n- BREAKING: Query.b: use Query.a.\n\n## 0.1.0 (2026-12-01)\n');
    release('0.2.0', paths);
    expect(readFileSync(paths.released, 'utf8')).toBe('type Query { a: Int }\n');
    const changed = readFileSync(paths.changes, 'utf8');
    expect(changed).toMatch(/^# Changes\n\n## Unreleased\n\n## 0\.2\.0 \(\d{4}-\d{2}-\d{2}\)\n\n- BREAKING: Query\.b: use Query\.a\.\n\n## 0\.1\.0/);
    expect([...acknowledgements(changed).keys()]).toEqual([]);
  });
});
