import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, ApplyCouponCodeDocument, UpdateCartLineDocument } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { createProduct, expectEachType, expectType, sql, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let product: FixtureProduct;
beforeAll(async () => {
  stack = await startStack();
  product = await createProduct(stack, { price: '2.50', stock: 500 });
});
afterAll(() => stack?.stop());

const dbCart = (ownerId: string) =>
  sql<{ version: number; quantity: number | null; lines: number }>(
    stack.db.url,
    `SELECT c.version, (SELECT sum(quantity)::int FROM cart."CartLine" l WHERE l."cartId" = c.id) AS quantity,
            (SELECT count(*)::int FROM cart."CartLine" l WHERE l."cartId" = c.id) AS lines
       FROM cart."Cart" c WHERE c."ownerId" = $1`,
    [ownerId],
  ).then((rows) => rows[0]);

describe('concurrent writes to one cart', () => {
  it('50 concurrent addCartLine of quantity 1 end at exactly quantity 50 and version 50', async () => {
    const me = { user: 'rush-buyer' } as const;
    const results = await Promise.all(Array.from({ length: 50 }, () => stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me)));
    const carts = expectEachType(results.map((r) => r.addCartLine), 'Cart');
    expect(await dbCart(me.user)).toEqual({ version: 50, quantity: 50, lines: 1 });
    const versions = carts.map((c) => c.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('20 concurrent updates with the same expectedVersion: exactly 1 success and 19 VersionConflict', async () => {
    const me = { user: 'racer' } as const;
    const added = expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me)).addCartLine, 'Cart');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stack.data(UpdateCartLineDocument, { input: { lineId: added.lines[0]!.id, quantity: i + 2, expectedVersion: added.version } }, me)),
    );
    const types = results.map((r) => r.updateCartLine.__typename);
    expect([...types].sort()).toEqual(['Cart', ...Array(19).fill('VersionConflict')]);
    const conflicts = results.flatMap((r) => (r.updateCartLine.__typename === 'VersionConflict' ? [r.updateCartLine.currentVersion] : []));
    expect(conflicts).toEqual(Array(19).fill(added.version + 1));
    expect((await dbCart(me.user))!.version).toBe(added.version + 1);
  });
});

describe('idempotency keys', () => {
  it('20 concurrent requests with one key write once, and all 20 see the same result', async () => {
    const me = { user: 'double-clicker' } as const;
    const input = { productId: product.id, quantity: 3, idempotencyKey: 'add-once-7f3a' };
    const results = await Promise.all(Array.from({ length: 20 }, () => stack.data(AddCartLineDocument, { input }, me)));
    const bodies = results.map((r) => JSON.stringify(r.addCartLine));
    expect(bodies).toEqual(Array(20).fill(bodies[0]));
    expect(results[0]!.addCartLine).toMatchObject({ __typename: 'Cart', version: 1, totalQuantity: 3 });
    expect(await dbCart(me.user)).toEqual({ version: 1, quantity: 3, lines: 1 });
  });

  it('a later replay returns the first result without writing again', async () => {
    const me = { user: 'retrier' } as const;
    const input = { productId: product.id, quantity: 2, idempotencyKey: 'retry-1' };
    const first = await stack.data(AddCartLineDocument, { input }, me);
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, me);
    const replay = await stack.data(AddCartLineDocument, { input }, me);
    expect(replay).toEqual(first);
    expect(await dbCart(me.user)).toMatchObject({ version: 2, quantity: 3 });
  });

  it('the same key with a different input is IdempotencyKeyReused and writes nothing', async () => {
    const me = { user: 'key-reuser' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1, idempotencyKey: 'k-1' } }, me);
    const reused = await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 5, idempotencyKey: 'k-1' } }, me);
    expect(reused.addCartLine).toMatchObject({ __typename: 'IdempotencyKeyReused', idempotencyKey: 'k-1' });
    expect(await dbCart(me.user)).toMatchObject({ version: 1, quantity: 1 });
  });

  it('keys are scoped to their owner: two users may use the same key', async () => {
    const input = { productId: product.id, quantity: 1, idempotencyKey: 'shared-key' };
    const a = await stack.data(AddCartLineDocument, { input }, { user: 'owner-a' });
    const b = await stack.data(AddCartLineDocument, { input }, { user: 'owner-b' });
    expect(expectType(a.addCartLine, 'Cart').id).not.toBe(expectType(b.addCartLine, 'Cart').id);
  });

  it('an expected failure is replayed as well', async () => {
    const me = { user: 'coupon-fumbler' } as const;
    const input = { code: 'NOSUCHCODE', idempotencyKey: 'coupon-1' };
    const first = await stack.data(ApplyCouponCodeDocument, { input }, me);
    expect(first.applyCouponCode.__typename).toBe('InvalidCoupon');
    expect(await stack.data(ApplyCouponCodeDocument, { input }, me)).toEqual(first);
  });

  it('a malformed key is BAD_USER_INPUT', async () => {
    const result = await stack.request(AddCartLineDocument, { input: { productId: product.id, quantity: 1, idempotencyKey: 'x'.repeat(200) } }, { user: 'u' });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
