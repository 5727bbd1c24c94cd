/**
 * Hostile input gets a clean, typed answer: an oversized body does not poison its keep-alive
 * connection, a document over the token limit is the client's 400, and no string argument of
 * any public operation (generated from the schema) can make the platform answer
 * INTERNAL_SERVER_ERROR with a NUL byte or a lone surrogate, nor write anything.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { buildSchema, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, type GraphQLArgument, type GraphQLInputType } from 'graphql';
import { startStack, type TestStack } from '@platform/e2e/support';
import { createProduct, sql, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let product: FixtureProduct;
let admin: string;
beforeAll(async () => {
  stack = await startStack();
  product = await createProduct(stack, { price: '5.00', stock: 50 });
  admin = await stack.userToken('hostile-admin', { role: 'admin' });
});
afterAll(() => stack?.stop());

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}`, ...headers }, body: JSON.stringify(body) });

describe('the HTTP front', () => {
  it('answers an oversized body 413 and closes that connection, so the next request on a reused connection is answered at once', async () => {
    const agent = new Agent({ connections: 1, keepAliveTimeout: 10_000 });
    try {
      const big = await request(stack.url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ categories { id } } #${'x'.repeat(2_000_000)}` }) });
      expect(big.statusCode).toBe(413);
      expect(big.headers.connection).toBe('close');
      expect(JSON.parse(await big.body.text())).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
      const started = Date.now();
      const small = await request(stack.url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ categories { id } }' }), headersTimeout: 2_000 });
      expect(small.statusCode).toBe(200);
      await small.body.text();
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await agent.close();
    }
  });

  it('answers a document over the token limit, or 500 aliases, with 400 GRAPHQL_PARSE_FAILED', async () => {
    const tokens = await post({ query: `{ ${Array.from({ length: 5_000 }, (_, i) => `a${i}: categories { id }`).join(' ')} }` });
    expect(tokens.status).toBe(400);
    expect(await tokens.json()).toMatchObject({ errors: [{ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    const aliases = await post({ query: `{ ${Array.from({ length: 500 }, (_, i) => `p${i}: product(id: "${product.id}") { id }`).join(' ')} }` });
    expect(aliases.status).toBe(400);
  });
});

/** A well-formed value of each input type, to fill the arguments not under test. */
function sample(type: GraphQLInputType, depth = 0): unknown {
  if (isNonNullType(type)) return sample(type.ofType, depth);
  if (isListType(type)) return [sample(type.ofType, depth)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    if (depth > 4) return {};
    return Object.fromEntries(Object.values(type.getFields()).map((f) => [f.name, sample(f.type, depth + 1)]));
  }
  switch (getNamedType(type).name) {
    case 'Int':
      return 1;
    case 'Boolean':
      return true;
    case 'Float':
      return 1.5;
    case 'Decimal':
      return '1.00';
    case 'DateTime':
      return new Date(Date.now() + 86_400_000).toISOString();
    case 'JSON':
      return { size: 'M' };
    case 'ID':
      return product.id;
    default:
      return 'SG';
  }
}

/** Every way to put `bad` into one string-like leaf of `value` (typed `type`), one leaf at a time. */
function poisoned(type: GraphQLInputType, bad: string, path: string[] = []): { path: string; value: unknown }[] {
  if (isNonNullType(type)) return poisoned(type.ofType, bad, path);
  if (isListType(type)) return poisoned(type.ofType, bad, path).map((p) => ({ path: p.path, value: [p.value] }));
  if (isInputObjectType(type)) {
    const base = sample(type) as Record<string, unknown>;
    return Object.values(type.getFields()).flatMap((f) => poisoned(f.type, bad, [...path, f.name]).map((p) => ({ path: p.path, value: { ...base, [f.name]: p.value } })));
  }
  const named = getNamedType(type);
  if (!isScalarType(named)) return [];
  if (named.name === 'JSON') return [{ path: [...path, '(value)'].join('.'), value: { size: bad } }, { path: [...path, '(key)'].join('.'), value: { [`si${bad}ze`]: 'M' } }];
  return ['String', 'ID'].includes(named.name) ? [{ path: path.join('.'), value: bad }] : [];
}

describe('NUL bytes and lone surrogates', () => {
  const schema = buildSchema(readFileSync(new URL('../../schema/api.graphql', import.meta.url), 'utf8'));
  const roots = [
    ['query', schema.getQueryType()!],
    ['mutation', schema.getMutationType()!],
  ] as const;
  /** One case per operation, string-like argument leaf (nested inputs included) and bad string. */
  const allCases = () =>
    roots.flatMap(([kind, root]) =>
      Object.values(root.getFields()).flatMap((field) =>
        field.args.flatMap((arg: GraphQLArgument) =>
          ['\u0000', 'a\u0000b', '\ud800'].flatMap((bad) => poisoned(arg.type, bad, [arg.name]).map((p) => ({ kind, field: field.name, arg, bad, where: p.path, value: p.value }))),
        ),
      ),
    );

  it('no string argument of any public operation ever gets INTERNAL_SERVER_ERROR: each is BAD_USER_INPUT naming the field, and nothing is written', async () => {
    const cases = allCases();
    expect(cases.length).toBeGreaterThan(100);
    const before = await sql<{ n: number }>(stack.db.url, `SELECT (SELECT count(*) FROM cart."CartLine") + (SELECT count(*) FROM catalog."Product") + (SELECT count(*) FROM pricing."Coupon") + (SELECT count(*) FROM orders."Order") AS n`);
    const answers = [];
    for (const c of cases) {
      const variables = { v: c.value };
      const typeName = c.arg.type.toString();
      const document = `${c.kind} ($v: ${typeName}) { ${c.field}(${c.arg.name}: $v) { __typename } }`;
      const response = await post({ query: document, variables });
      const body = (await response.json()) as { errors?: { extensions?: { code?: string; field?: string } }[] };
      answers.push({ op: `${c.field}(${c.where}) ${JSON.stringify(c.bad)}`, status: response.status, codes: (body.errors ?? []).map((e) => e.extensions?.code), field: body.errors?.[0]?.extensions?.field });
    }
    const broken = answers.filter((a) => a.status >= 500 || a.codes.includes('INTERNAL_SERVER_ERROR'));
    expect(broken).toEqual([]);
    expect(answers.filter((a) => !a.codes.includes('BAD_USER_INPUT'))).toEqual([]);
    expect(answers.filter((a) => !a.field?.startsWith('variables.v'))).toEqual([]);
    const after = await sql<{ n: number }>(stack.db.url, `SELECT (SELECT count(*) FROM cart."CartLine") + (SELECT count(*) FROM catalog."Product") + (SELECT count(*) FROM pricing."Coupon") + (SELECT count(*) FROM orders."Order") AS n`);
    expect(after).toEqual(before);
  });

  it('refuses them inline in the document too, naming the argument', async () => {
    const inline = (literal: string) => post({ query: `mutation { addCartLine(input: { productId: "${product.id}", quantity: 1, options: { size: ${literal} } }) { __typename } }` });
    for (const literal of ['"\\u0000"', '"a\\u0000b"']) {
      const response = await inline(literal);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'addCartLine.input.options.size' } }] });
    }
    // GraphQL's own lexer refuses an escaped unpaired surrogate: the document does not parse.
    const surrogate = await inline('"\\ud800"');
    expect(surrogate.status).toBe(400);
    expect(await surrogate.json()).toMatchObject({ errors: [{ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    const search = await post({ query: '{ products(filter: { search: "\\u0000" }) { totalCount } }' });
    expect(await search.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'products.filter.search' } }] });
  });
});

describe('internal operations', () => {
  it('refuse NUL bytes and lone surrogates with a 400 naming the field, and write nothing', async () => {
    const { signIdentity } = await import('@platform/auth');
    const { TEST_INTERNAL_SECRET } = await import('@platform/e2e/support');
    const calls = [
      { subgraph: 'product', op: 'reserve', body: { checkoutKey: 'k\u0000', lines: [{ productId: product.id, quantity: 1 }] }, field: 'body.checkoutKey' },
      { subgraph: 'pricing', op: 'validateCoupon', body: { code: 'WELCOME\ud800' }, field: 'body.code' },
      { subgraph: 'pricing', op: 'redeemCoupons', body: { checkoutKey: 'k', codes: ['A\u0000'], subtotal: '1.00' }, field: 'body.codes.0' },
      { subgraph: 'cart', op: 'cartForCheckout', body: { userId: '\u0000' }, field: 'body.userId' },
    ] as const;
    const answers = [];
    for (const c of calls) {
      const text = JSON.stringify(c.body);
      const response = await fetch(new URL(`/internal/${c.op}`, stack.subgraphs[c.subgraph].url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signIdentity({ kind: 'service', service: 'test' }, TEST_INTERNAL_SECRET, { method: 'POST', path: `/internal/${c.op}`, body: text }) },
        body: text,
      });
      const body = (await response.json()) as { error: string; code: string };
      answers.push({ op: c.op, status: response.status, code: body.code, names: body.error.includes(c.field) });
    }
    expect(answers).toEqual(calls.map((c) => ({ op: c.op, status: 400, code: 'BAD_REQUEST', names: true })));
    expect(await sql(stack.db.url, `SELECT 1 FROM catalog."Reservation"`)).toEqual([]);
  });
});
