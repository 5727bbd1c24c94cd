import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose, drift, loadSubgraphSources, SUPERGRAPH_PATH, API_SCHEMA_PATH } from './compose.ts';

const fresh = () => {
  const result = compose(loadSubgraphSources());
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result;
};

describe('supergraph composition', () => {
  it('the committed supergraph and API schema match a fresh composition', () => {
    expect(drift(fresh(), { supergraph: SUPERGRAPH_PATH, api: API_SCHEMA_PATH })).toEqual([]);
  });

  it('an SDL change that still composes is reported as drift against the committed files', () => {
    const sources = loadSubgraphSources().map((s) =>
      s.name === 'product' ? { ...s, sdl: s.sdl.replace('type Availability {', 'type Availability {\n  "Added by the test."\n  lowStock: Boolean!') } : s,
    );
    const changed = compose(sources);
    expect(changed.ok).toBe(true);
    if (!changed.ok) return;
    expect(changed.api).toContain('lowStock: Boolean!');
    expect(drift(changed)).toEqual(['schema/supergraph.graphql differs from a fresh composition', 'schema/api.graphql differs from a fresh composition']);
  });

  it('an SDL that conflicts with another subgraph fails composition with the reason', () => {
    const sources = loadSubgraphSources().map((s) => (s.name === 'pricing' ? { ...s, sdl: s.sdl.replace('amount: Decimal!', 'amount: Int!') } : s));
    const result = compose(sources);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.join('\n')).toMatch(/Money\.amount/);
  });

  it('a missing committed file is drift', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    writeFileSync(join(dir, 'api.graphql'), fresh().api);
    expect(drift(fresh(), { supergraph: join(dir, 'missing.graphql'), api: join(dir, 'api.graphql') })).toEqual([expect.stringMatching(/is missing$/)]);
  });
});
