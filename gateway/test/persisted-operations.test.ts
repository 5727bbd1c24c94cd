/**
 * Persisted operations: the operations of `packages/client` are registered at build time, so a
 * client may send the hash alone; Apollo's APQ protocol registers others; and the registered-only
 * switch refuses every document that is not registered, before anything runs.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartDocument } from '@platform/client';
import type { RunningGateway } from '@platform/gateway';
import { startExtraGateway, startStack, type TestStack } from '@platform/e2e/support';
import { createProduct, sql, waitUntil, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let strict: RunningGateway;
let product: FixtureProduct;
let token: string;
beforeAll(async () => {
  stack = await startStack();
  strict = await startExtraGateway(stack, { PERSISTED_OPERATIONS_ONLY: 'true' });
  product = await createProduct(stack, { price: '3.00', stock: 20 });
  token = await stack.userToken('persisted-user');
});
afterAll(async () => {
  await strict?.stop();
  await stack?.stop();
});

const hashOf = (document: unknown) => (document as { __meta__: { hash: string } }).__meta__.hash;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function post(url: string, body: unknown): Promise<{ status: number; body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as never };
}
const persisted = (hash: string, extra: Record<string, unknown> = {}) => ({ ...extra, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
const codes = (r: { body: { errors?: { extensions?: Record<string, unknown> }[] } }) => r.body.errors?.map((e) => e.extensions?.code);

describe('registered operations', () => {
  it('run from their hash alone, queries and mutations alike', async () => {
    const added = await post(stack.url, persisted(hashOf(AddCartLineDocument), { variables: { input: { productId: product.id, quantity: 2 } } }));
    expect(added.body.data?.addCartLine).toMatchObject({ __typename: 'Cart', totalQuantity: 2 });
    const cart = await post(stack.url, persisted(hashOf(CartDocument)));
    expect(cart.status).toBe(200);
    expect(cart.body.data?.cart).toMatchObject({ totalQuantity: 2 });
  });

  it('an unknown hash is PERSISTED_QUERY_NOT_FOUND, and runs nothing', async () => {
    const unknown = await post(stack.url, persisted(sha256('query { nothingRegistered }')));
    expect(codes(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('a hash that does not match the query sent with it is refused', async () => {
    const mismatch = await post(stack.url, persisted(sha256('something else'), { query: '{ categories { id } }' }));
    expect(mismatch.status).toBe(400);
    expect(codes(mismatch)).toEqual(['BAD_REQUEST']);
  });
});

describe('APQ', () => {
  it('registers a client’s own operation with hash and query, then runs it from the hash on any gateway', async () => {
    const query = '{ categories { id name } }';
    const hash = sha256(query);
    expect(codes(await post(stack.url, persisted(hash)))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const registered = await post(stack.url, persisted(hash, { query }));
    expect(registered.body.errors).toBeUndefined();
    const again = await post(stack.url, persisted(hash));
    expect(again.body.data).toEqual(registered.body.data);
    const elsewhere = await startExtraGateway(stack);
    try {
      await waitUntil(() => elsewhere.redis.status === 'ready', 'the new gateway to reach Redis');
      expect((await post(elsewhere.url, persisted(hash))).body.data).toEqual(registered.body.data);
    } finally {
      await elsewhere.stop();
    }
  });
});

describe('with PERSISTED_OPERATIONS_ONLY', () => {
  it('refuses any document that is not registered with PERSISTED_QUERY_NOT_ALLOWED (HTTP 400), and writes nothing', async () => {
    const mutation = 'mutation ($id: ID!) { addCartLine(input: { productId: $id, quantity: 5 }) { __typename } }';
    const refused = await post(strict.url, { query: mutation, variables: { id: product.id } });
    expect(refused.status).toBe(400);
    expect(codes(refused)).toEqual(['PERSISTED_QUERY_NOT_ALLOWED']);
    const apq = await post(strict.url, persisted(sha256(mutation), { query: mutation, variables: { id: product.id } }));
    expect(codes(apq)).toEqual(['PERSISTED_QUERY_NOT_ALLOWED']);
    expect(await sql(stack.db.url, `SELECT l.quantity FROM cart."CartLine" l JOIN cart."Cart" c ON c.id = l."cartId" WHERE c."ownerId" = 'persisted-user'`)).toEqual([{ quantity: 2 }]);
  });

  it('runs registered operations from their hash', async () => {
    const cart = await post(strict.url, persisted(hashOf(CartDocument)));
    expect(cart.body.data?.cart).toMatchObject({ totalQuantity: 2 });
  });
});
