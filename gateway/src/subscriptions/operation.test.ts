import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GraphQLError } from 'graphql';
import { createArmor } from '../limits.ts';
import { graphql } from '../graphql.ts';
import type { CartEventMessage } from './messages.ts';
import { planSubscription, type CartUpdatePlan } from './operation.ts';
import { renderUpdate } from './render.ts';

const schema = graphql.buildSchema(readFileSync(new URL('../../../schema/api.graphql', import.meta.url), 'utf8'));
const limits = createArmor({ MAX_QUERY_DEPTH: 12 }).protect().validationRules;
const event: CartEventMessage = { kind: 'event', cartId: 'c1', ownerType: 'USER', ownerId: 'u', version: 4, type: 'LINE_UPDATED', at: new Date().toISOString(), lineId: null, productId: null, quantity: null, payload: null };

function plan(query: string, variables?: Record<string, unknown>): CartUpdatePlan {
  const result = planSubscription(schema, limits, { query, variables: variables ?? null });
  if ('errors' in result) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.plan;
}

function errors(query: string, variables?: Record<string, unknown>): GraphQLError[] {
  const result = planSubscription(schema, limits, { query, variables: variables ?? null });
  return 'errors' in result ? result.errors : [];
}

describe('the cart query lifted from a subscription', () => {
  it('keeps the subscriber’s selection of the cart, with aliases, fragments and only the variables it uses', () => {
    const { cart } = plan(
      `subscription S($withLines: Boolean!, $withType: Boolean!) {
        cartUpdated { version n: type @include(if: $withType) ...U }
      }
      fragment U on CartUpdate { cart @include(if: $withLines) { ...C } }
      fragment C on Cart { id lines { qty: quantity } }`,
      { withLines: true, withType: false },
    );
    expect(cart?.variables).toEqual({ withLines: true });
    expect(graphql.stripIgnoredCharacters(cart!.text)).toBe(
      graphql.stripIgnoredCharacters('query CartUpdated($withLines: Boolean!) { cart @include(if: $withLines) { ...C } } fragment C on Cart { id lines { qty: quantity } }'),
    );
  });

  it('needs no query when only the version and type are selected', () => {
    expect(plan('subscription { cartUpdated { version type } }').cart).toBeUndefined();
  });
});

describe('an update rendered for one subscriber', () => {
  it('has exactly the subscriber’s shape', async () => {
    const p = plan('subscription { u: cartUpdated { v: version ... on CartUpdate { kind: type } c: cart { lines { qty: quantity product { name } } } } }');
    const result = await renderUpdate(schema, p, event, { data: { c: { lines: [{ qty: 2, product: { name: 'Kopi' } }] } }, errors: [] });
    expect(result).toEqual({ data: { u: { v: 4, kind: 'LINE_UPDATED', c: { lines: [{ qty: 2, product: { name: 'Kopi' } }] } } } });
  });

  it('carries a failed read’s (masked) errors under the subscription’s root field', async () => {
    const p = plan('subscription { cartUpdated { version cart { cost { total { amount } } } } }');
    const result = await renderUpdate(schema, p, event, { data: null, errors: [{ message: 'pricing is unavailable', path: ['cart', 'cost'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    expect(result?.data).toBeNull();
    expect(result?.errors?.map((e) => [e.message, e.path])).toEqual([['pricing is unavailable', ['cartUpdated', 'cart', 'cost']]]);
  });

  it('is not sent when the cart no longer exists', async () => {
    const p = plan('subscription { cartUpdated { cart { id } } }');
    expect(await renderUpdate(schema, p, event, { data: { cart: null }, errors: [] })).toBeUndefined();
  });
});

describe('subscription documents are admitted under the gateway’s limits', () => {
  it.each([
    ['a syntax error', 'subscription { cartUpdated {', 'GRAPHQL_PARSE_FAILED'],
    ['a second root field', 'subscription { cartUpdated { version } b: cartUpdated { type } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['too many aliases', `subscription { cartUpdated { ${Array.from({ length: 31 }, (_, i) => `a${i}: version`).join(' ')} } }`, 'GRAPHQL_VALIDATION_FAILED'],
    ['a query', 'query { cart { id } }', 'BAD_REQUEST'],
    ['an unknown operation name', 'subscription A { cartUpdated { version } }', 'OPERATION_RESOLUTION_FAILURE'],
  ])('refuses %s', (_name, query, code) => {
    const found = query.startsWith('subscription A') ? planSubscription(schema, limits, { query, operationName: 'B' }) : planSubscription(schema, limits, { query });
    expect('errors' in found && found.errors.map((e) => e.extensions.code)).toContain(code);
  });

  it('refuses a document with more tokens than the limit', () => {
    const query = `subscription { cartUpdated { ${'version '.repeat(5_001)} } }`;
    expect(errors(query)[0]?.message).toMatch(/more that 5000 tokens/);
  });

  it('returns graphql-js errors that graphql-ws recognises', () => {
    expect(errors('subscription { nope }')[0]).toBeInstanceOf(graphql.GraphQLError);
  });
});
