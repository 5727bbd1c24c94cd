import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartDocument, MergeGuestCartDocument } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { createProduct, setStock, sql, type Caller, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let shared: FixtureProduct;
let nearCap: FixtureProduct;
let newOne: FixtureProduct;
let soldOut: FixtureProduct;
beforeAll(async () => {
  stack = await startStack();
  [shared, nearCap, newOne, soldOut] = await Promise.all([
    createProduct(stack, { price: '4.00', stock: 2000 }),
    createProduct(stack, { price: '1.00', stock: 2000 }),
    createProduct(stack, { price: '9.90', stock: 10 }),
    createProduct(stack, { price: '7.00', stock: 5 }),
  ]);
});
afterAll(() => stack?.stop());

const add = (as: Caller, productId: string, quantity: number, options?: Record<string, string>) =>
  stack.data(AddCartLineDocument, { input: { productId, quantity, ...(options ? { options } : {}) } }, as);

describe('merging a guest cart at login', () => {
  it('reports ADDED, COMBINED, CAPPED and DROPPED_UNAVAILABLE per line, and the guest cart is gone', async () => {
    const guestToken = await stack.guestToken();
    const guest = { guest: guestToken };
    const user = { user: 'merging-user' } as const;
    await add(user, shared.id, 2, { size: 'M' });
    await add(user, nearCap.id, 900);
    await add(guest, shared.id, 3, { size: 'M' });
    await add(guest, nearCap.id, 200);
    await add(guest, newOne.id, 1);
    await add(guest, soldOut.id, 2);
    await setStock(stack, soldOut.id, 0);

    const { mergeGuestCart } = await stack.data(MergeGuestCartDocument, { input: { guestToken } }, user);
    const byProduct = Object.fromEntries(mergeGuestCart.outcomes.map((o) => [o.productId, [o.outcome, o.quantity]]));
    expect(byProduct).toEqual({
      [shared.id]: ['COMBINED', 5],
      [nearCap.id]: ['CAPPED', 999],
      [newOne.id]: ['ADDED', 1],
      [soldOut.id]: ['DROPPED_UNAVAILABLE', 0],
    });
    expect(mergeGuestCart.cart.lines.map((l) => [l.product.id, l.quantity])).toEqual([
      [shared.id, 5],
      [nearCap.id, 999],
      [newOne.id, 1],
    ]);
    // The user's captured price is kept for combined lines.
    expect(mergeGuestCart.cart.lines[0]!.unitPrice.amount).toBe('4.00');
    expect((await stack.data(CartDocument, {}, guest)).cart).toBeNull();
    const guestId = JSON.parse(Buffer.from(guestToken.split('.')[1]!, 'base64url').toString()).sub as string;
    expect(await sql(stack.db.url, `SELECT 1 FROM cart."Cart" WHERE "ownerType" = 'GUEST' AND "ownerId" = $1`, [guestId])).toEqual([]);
  });

  it('is idempotent under its key, and a second merge of the same guest is a no-op', async () => {
    const guestToken = await stack.guestToken();
    const user = { user: 'careful-merger' } as const;
    await add({ guest: guestToken }, newOne.id, 2);
    const input = { guestToken, idempotencyKey: 'merge-1' };
    const first = await stack.data(MergeGuestCartDocument, { input }, user);
    const replay = await stack.data(MergeGuestCartDocument, { input }, user);
    expect(replay).toEqual(first);
    const again = await stack.data(MergeGuestCartDocument, { input: { guestToken } }, user);
    expect(again.mergeGuestCart.outcomes).toEqual([]);
    expect(again.mergeGuestCart.cart).toMatchObject({ version: first.mergeGuestCart.cart.version, totalQuantity: 2 });
  });

  it('an empty or unknown guest cart is a no-op success', async () => {
    const { mergeGuestCart } = await stack.data(MergeGuestCartDocument, { input: { guestToken: await stack.guestToken() } }, { user: 'fresh-login' });
    expect(mergeGuestCart).toMatchObject({ outcomes: [], cart: { version: 0, lines: [] } });
  });

  it('needs a user JWT and a valid guest token', async () => {
    const guestToken = await stack.guestToken();
    const asGuest = await stack.request(MergeGuestCartDocument, { input: { guestToken } }, { guest: guestToken });
    expect(asGuest.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await stack.request(MergeGuestCartDocument, { input: { guestToken: `${guestToken}x` } }, { user: 'someone' });
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
