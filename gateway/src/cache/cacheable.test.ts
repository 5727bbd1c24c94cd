import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { graphql } from '../graphql.ts';
import { CACHEABLE_FIELDS, createDocumentAnalyser } from './cacheable.ts';

const schema = graphql.buildSchema(readFileSync(new URL('../../../schema/api.graphql', import.meta.url), 'utf8'));
const analyse = createDocumentAnalyser(() => schema);

describe('cacheable fields', () => {
  it('every listed field exists in the public schema', () => {
    const missing = Object.entries(CACHEABLE_FIELDS).flatMap(([type, fields]) => {
      const named = schema.getType(type);
      const known = named && 'getFields' in named ? Object.keys(named.getFields()) : [];
      return fields.filter((f) => !known.includes(f)).map((f) => `${type}.${f}`);
    });
    expect(missing).toEqual([]);
  });

  it('a query of listed fields is cacheable; a mutation, introspection or an unlisted field is not', () => {
    expect(analyse('{ cart { id lines { product { name price { amount } } } cost { total { amount } } } }', undefined)).toEqual({ type: 'query', cacheable: true });
    expect(analyse('mutation { startGuestSession { token } }', undefined)).toEqual({ type: 'mutation', cacheable: false });
    expect(analyse('{ __schema { types { name } } }', undefined)).toEqual({ type: 'query', cacheable: false });
    expect(analyse('{ cart { id } orders { edges { node { id } } } }', undefined).cacheable).toBe(true);
    expect(analyse('query A { cart { id } } mutation B { startGuestSession { token } }', 'B')).toEqual({ type: 'mutation', name: 'B', cacheable: false });
    expect(analyse('{ cart { id', undefined)).toEqual({ type: undefined, cacheable: false, parseError: 'Syntax Error: Expected Name, found <EOF>.' });
  });
});
