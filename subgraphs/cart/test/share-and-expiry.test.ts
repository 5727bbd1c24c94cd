import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartDocument, RevokeCartShareDocument, ShareCartDocument, SharedCartDocument } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, sql, type FixtureProduct } from '@platform/testing';

// The cart subgraph runs on a clock the test moves forward.
let clock = new Date();
let stack: TestStack;
let product: FixtureProduct;
beforeAll(async () => {
  stack = await startStack({ now: () => clock, env: { CART_SWEEP_INTERVAL_MS: '0' } });
  product = await createProduct(stack, { price: '12.00', stock: 100 });
});
afterAll(() => stack?.stop());

describe('read-only share links', () => {
  it('shows lines and totals to anyone with the token, and ends when revoked', async () => {
    const owner = { user: 'sharer' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 2 } }, owner);
    const { shareCart } = await stack.data(ShareCartDocument, {}, owner);
    expect(shareCart.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(new Date(shareCart.expiresAt).getTime() - clock.getTime()).toBe(7 * 86_400_000);

    const seen = (await stack.data(SharedCartDocument, { token: shareCart.token })).sharedCart;
    expect(seen).toMatchObject({ totalQuantity: 2, subtotal: { amount: '24.00' }, lines: [{ quantity: 2, product: { id: product.id } }] });
    expect(JSON.stringify(seen)).not.toContain('sharer');

    const stranger = await stack.request(RevokeCartShareDocument, { token: shareCart.token }, { user: 'stranger' });
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stack.data(RevokeCartShareDocument, { token: shareCart.token }, owner)).revokeCartShare).toBe(true);
    expect((await stack.data(SharedCartDocument, { token: shareCart.token })).sharedCart).toBeNull();
    expect((await stack.data(RevokeCartShareDocument, { token: shareCart.token }, owner)).revokeCartShare).toBe(false);
  });

  it('an unknown or malformed token shows nothing', async () => {
    expect((await stack.data(SharedCartDocument, { token: 'A'.repeat(32) })).sharedCart).toBeNull();
    expect((await stack.data(SharedCartDocument, { token: "' OR 1=1 --" })).sharedCart).toBeNull();
  });

  it('a link stops working after 7 days', async () => {
    const owner = { user: 'expiring-sharer' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, owner);
    const { shareCart } = await stack.data(ShareCartDocument, {}, owner);
    const saved = clock;
    clock = new Date(saved.getTime() + 7 * 86_400_000 + 1);
    expect((await stack.data(SharedCartDocument, { token: shareCart.token })).sharedCart).toBeNull();
    clock = saved;
  });
});

describe('cart expiry', () => {
  it('a guest cart expires 7 days after its last change, a user cart 30 days; the sweep deletes only expired ones', async () => {
    const start = clock;
    const guest = { guest: await stack.guestToken() };
    const user = { user: 'long-lived' } as const;
    const g = expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, guest)).addCartLine, 'Cart');
    const u = expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, user)).addCartLine, 'Cart');
    expect(new Date(g.expiresAt).getTime() - start.getTime()).toBe(7 * 86_400_000);
    expect(new Date(u.expiresAt).getTime() - start.getTime()).toBe(30 * 86_400_000);

    // A change pushes expiry out again.
    clock = new Date(start.getTime() + 5 * 86_400_000);
    const touched = expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, guest)).addCartLine, 'Cart');
    expect(new Date(touched.expiresAt).getTime() - clock.getTime()).toBe(7 * 86_400_000);

    // The guest cart now lives until day 12.
    clock = new Date(start.getTime() + 11 * 86_400_000);
    expect(await stack.subgraphs.cart.sweepExpired(clock)).toMatchObject({ carts: 0 });
    expect((await stack.data(CartDocument, {}, guest)).cart).not.toBeNull();

    clock = new Date(start.getTime() + 13 * 86_400_000);
    // Every other cart in this file is a user's, good for 30 days.
    expect(await stack.subgraphs.cart.sweepExpired(clock)).toMatchObject({ carts: 1 });
    expect((await stack.data(CartDocument, {}, guest)).cart).toBeNull();
    expect((await stack.data(CartDocument, {}, user)).cart).not.toBeNull();

    clock = new Date(start.getTime() + 31 * 86_400_000);
    await stack.subgraphs.cart.sweepExpired(clock);
    expect((await stack.data(CartDocument, {}, user)).cart).toBeNull();
    // Sweeping again finds nothing: the sweep is idempotent.
    expect(await stack.subgraphs.cart.sweepExpired(clock)).toMatchObject({ carts: 0 });
    clock = start;
  });

  it('concurrent sweeps delete each expired cart once, with one replica at a time', async () => {
    await sql(stack.db.url, `INSERT INTO cart."Cart" (id, "ownerType", "ownerId", "expiresAt") SELECT gen_random_uuid(), 'GUEST', 'bulk-' || g, now() - interval '1 day' FROM generate_series(1, 1200) g`);
    const far = new Date(Date.now() + 86_400_000);
    const reports = await Promise.all([stack.subgraphs.cart.sweepExpired(far), stack.subgraphs.cart.sweepExpired(far), stack.subgraphs.cart.sweepExpired(far)]);
    // The sweep at day 31 above removed every other cart, so these 1200 are all there is.
    const deleted = reports.reduce((sum, r) => sum + (r?.carts ?? 0), 0);
    expect(deleted).toBe(1200);
    expect(await sql(stack.db.url, `SELECT 1 FROM cart."Cart" WHERE "ownerId" LIKE 'bulk-%'`)).toEqual([]);
  });
});
