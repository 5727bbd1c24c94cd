/**
 * MergeService on real Postgres and Redis, without the gateway: a guest cart merged into a
 * user's cart through CartWriter, with availability from the real product subgraph.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGuestToken, type Identity } from '@platform/auth';
import { sql } from '@platform/testing';
import { insertLine, type Owner } from '../src/data/carts.ts';
import type { RequestContext } from '../src/request-context.ts';
import type { Change } from '../src/services/cart-writer.ts';
import { IdempotencyKeyReused } from '../src/services/errors.ts';
import { optionsKey } from '../src/services/cart-rules.ts';
import { JWT_SECRET, startCartServices, type CartServiceHarness } from './service-harness.ts';

let h: CartServiceHarness;
let inStock: string[];
let soldOut: string;
beforeAll(async () => {
  h = await startCartServices();
  const rows = await sql<{ id: string }>(h.db.url, `SELECT p.id FROM catalog."Product" p JOIN catalog."Inventory" i ON i."productId" = p.id WHERE i."onHand" >= 50 ORDER BY p.sku LIMIT 3`);
  inStock = rows.map((r) => r.id);
  const [emptied] = await sql<{ id: string }>(h.db.url, `UPDATE catalog."Inventory" SET "onHand" = 0, reserved = 0 WHERE "productId" = (SELECT id FROM catalog."Product" ORDER BY sku DESC LIMIT 1) RETURNING "productId" AS id`);
  soldOut = emptied!.id;
});
afterAll(() => h?.stop());

/** A change that puts lines straight into a cart, through the writer like every change. */
const withLines =
  (lines: { productId: string; quantity: number; options?: Record<string, string> }[]): Change<undefined> =>
  async ({ tx, cartId, now }) => {
    let last = { lineId: '', productId: '', quantity: 0 };
    for (const l of lines) {
      const lineId = await insertLine(tx, cartId, { productId: l.productId, optionsKey: optionsKey(l.options ?? null), options: l.options ?? null, quantity: l.quantity, unitPrice: '5.00', currencyCode: 'SGD' }, now);
      last = { lineId, productId: l.productId, quantity: l.quantity };
    }
    return { event: { type: 'LINE_ADDED', ...last } };
  };

async function signedIn(userId: string): Promise<RequestContext> {
  const identity: Identity = { kind: 'user', userId, role: 'customer', expiresAt: Date.now() + 60_000 };
  return { ...h.as({ ownerType: 'USER', ownerId: userId }), identity };
}

async function guestCart(lines: Parameters<typeof withLines>[0]): Promise<{ guest: Owner; token: string }> {
  const guest: Owner = { ownerType: 'GUEST', ownerId: randomUUID() };
  await h.services.writer.write(h.as(guest), guest, { operation: 'seed', input: {} }, withLines(lines));
  return { guest, token: await signGuestToken(JWT_SECRET, guest.ownerId, new Date(Date.now() + 3_600_000)) };
}

const cartRows = (ownerType: string, ownerId: string) =>
  sql<{ id: string; version: number }>(h.db.url, `SELECT id, version FROM cart."Cart" WHERE "ownerType" = $1::cart."CartOwnerType" AND "ownerId" = $2`, [ownerType, ownerId]);

describe('MergeService', () => {
  it('combines, caps, adds and drops per line, deletes the guest cart and bumps the user cart once with a MERGED event', async () => {
    const [a, b, c] = inStock as [string, string, string];
    const user: Owner = { ownerType: 'USER', ownerId: 'merge-svc-user' };
    await h.services.writer.write(h.as(user), user, { operation: 'seed', input: {} }, withLines([{ productId: a, quantity: 2, options: { size: 'M' } }, { productId: b, quantity: 900 }]));
    const { guest, token } = await guestCart([{ productId: a, quantity: 3, options: { size: 'M' } }, { productId: b, quantity: 200 }, { productId: c, quantity: 1 }, { productId: soldOut, quantity: 1 }]);

    const merged = await h.services.merge.mergeGuestCart(await signedIn('merge-svc-user'), { guestToken: token });
    if (merged instanceof IdempotencyKeyReused) throw new Error('unexpected IdempotencyKeyReused');
    expect(Object.fromEntries(merged.outcomes.map((o) => [o.productId, [o.outcome, o.quantity]]))).toEqual({
      [a]: ['COMBINED', 5],
      [b]: ['CAPPED', 999],
      [c]: ['ADDED', 1],
      [soldOut]: ['DROPPED_UNAVAILABLE', 0],
    });
    expect(merged.cart.version).toBe(2);
    expect(await cartRows('GUEST', guest.ownerId)).toEqual([]);
    const types = await sql<{ type: string }>(h.db.url, `SELECT type::text FROM cart."CartEvent" WHERE "ownerId" = 'merge-svc-user' ORDER BY version`);
    expect(types.map((t) => t.type)).toEqual(['LINE_ADDED', 'MERGED']);
  });

  it('replays under its key without merging twice, and refuses the key for another guest cart', async () => {
    const [a] = inStock as [string];
    const { token } = await guestCart([{ productId: a, quantity: 4 }]);
    const ctx = await signedIn('merge-svc-replay');
    const first = await h.services.merge.mergeGuestCart(ctx, { guestToken: token, idempotencyKey: 'login-1' });
    const again = await h.services.merge.mergeGuestCart(ctx, { guestToken: token, idempotencyKey: 'login-1' });
    expect(again).toEqual(first);
    expect(await cartRows('USER', 'merge-svc-replay')).toEqual([{ id: expect.any(String), version: 1 }]);
    const other = await guestCart([{ productId: a, quantity: 1 }]);
    expect(await h.services.merge.mergeGuestCart(ctx, { guestToken: other.token, idempotencyKey: 'login-1' })).toBeInstanceOf(IdempotencyKeyReused);
  });

  it('merging an unknown guest cart changes nothing but gives the user a cart', async () => {
    const token = await signGuestToken(JWT_SECRET, randomUUID(), new Date(Date.now() + 3_600_000));
    const merged = await h.services.merge.mergeGuestCart(await signedIn('merge-svc-empty'), { guestToken: token });
    expect(merged).toMatchObject({ outcomes: [], cart: { version: 0, lines: [] } });
  });

  it('refuses a guest and a forged guest token', async () => {
    const guestCtx = h.as({ ownerType: 'GUEST', ownerId: randomUUID() });
    await expect(h.services.merge.mergeGuestCart(guestCtx, { guestToken: 'x' })).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(h.services.merge.mergeGuestCart(await signedIn('merge-svc-forged'), { guestToken: 'not-a-token' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'guestToken' } });
  });
});
