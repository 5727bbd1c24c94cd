/**
 * The whole platform through PgBouncer in transaction mode (Debian's 1.18: no prepared
 * statements across transactions, no session state), with every SQL statement recorded: the
 * shopper's journey works through the pooler, no statement is a named prepared statement, and
 * every statement the cart and order subgraphs run against an owner-keyed table is restricted to
 * one owner, cart, order or checkout (shard-local on Citus; see README "Distribution").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddCartLineDocument, ApplyCouponCodeDocument, CancelOrderDocument, CartDocument, CartEventsDocument, CartViewDocument, ClearCartDocument, MergeGuestCartDocument,
  MoveSavedLineToCartDocument, OrderDocument, OrdersDocument, RemoveCartLineDocument, RemoveCouponCodeDocument, RevokeCartShareDocument, SaveLineForLaterDocument,
  SetCartRemindersDocument, SetShippingCountryDocument, ShareCartDocument, SharedCartDocument, UpdateCartLineDocument, CheckoutDocument,
} from '@platform/client';
import { recordSql, startPgBouncer, startStack, type OwnPgBouncer, type SqlRecorder, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, shardViolations, type FixtureProduct } from '@platform/testing';

const ADDRESS = { name: 'Pool Tester', line1: '1 Raffles Place', city: 'Singapore', postalCode: '048616', country: 'SG' };

let bouncer: OwnPgBouncer;
let stack: TestStack;
let recorder: SqlRecorder;
let mug: FixtureProduct;
let tee: FixtureProduct;

beforeAll(async () => {
  bouncer = await startPgBouncer();
  recorder = recordSql();
  stack = await startStack({ databaseUrl: (db) => bouncer.url(db) });
  [mug, tee] = await Promise.all([createProduct(stack, { name: 'Pooled mug', price: '40.00', stock: 50 }), createProduct(stack, { name: 'Pooled tee', price: '25.00', stock: 50 })]);
});

afterAll(async () => {
  recorder?.stop();
  await stack?.stop();
  await bouncer?.close();
});

type CartShape = { __typename: 'Cart'; id: string; version: number; lines: { id: string; quantity: number }[]; savedForLater: { id: string }[] };
const cart = (r: { __typename: string }) => expectType(r as CartShape, 'Cart');

describe('through PgBouncer in transaction mode', () => {
  it('runs a guest cart, a merge at sign-in and every cart mutation', async () => {
    const guest = { guest: await stack.guestToken() };
    cart((await stack.data(AddCartLineDocument, { input: { productId: mug.id, quantity: 1 } }, guest)).addCartLine);
    const user = { user: 'pooled-shopper' };
    await stack.data(AddCartLineDocument, { input: { productId: tee.id, quantity: 1 } }, user);
    const guestToken = (guest as { guest: string }).guest;
    const merged = await stack.data(MergeGuestCartDocument, { input: { guestToken } }, user);
    expect(merged.mergeGuestCart.cart.lines.map((l) => l.product?.id).sort()).toEqual([mug.id, tee.id].sort());

    let c = cart((await stack.data(AddCartLineDocument, { input: { productId: mug.id, quantity: 2, idempotencyKey: 'pool-add' } }, user)).addCartLine);
    const replay = cart((await stack.data(AddCartLineDocument, { input: { productId: mug.id, quantity: 2, idempotencyKey: 'pool-add' } }, user)).addCartLine);
    expect(replay.version).toBe(c.version);
    const mugLine = c.lines.find((l) => l.quantity === 3)!;
    const teeLine = c.lines.find((l) => l.id !== mugLine.id)!;
    c = cart((await stack.data(UpdateCartLineDocument, { input: { lineId: mugLine.id, quantity: 2 } }, user)).updateCartLine);
    c = cart((await stack.data(SaveLineForLaterDocument, { input: { lineId: teeLine.id } }, user)).saveLineForLater);
    expect(c.savedForLater).toHaveLength(1);
    c = cart((await stack.data(MoveSavedLineToCartDocument, { input: { lineId: teeLine.id } }, user)).moveSavedLineToCart);
    c = cart((await stack.data(SetShippingCountryDocument, { input: { country: 'MY' } }, user)).setShippingCountry);
    c = cart((await stack.data(ApplyCouponCodeDocument, { input: { code: 'SAVE5' } }, user)).applyCouponCode);
    c = cart((await stack.data(RemoveCouponCodeDocument, { input: { code: 'SAVE5' } }, user)).removeCouponCode);
    const share = (await stack.data(ShareCartDocument, {}, user)).shareCart;
    expect((await stack.data(SharedCartDocument, { token: share.token }, { anonymous: true })).sharedCart?.id).toBe(c.id);
    await stack.data(RevokeCartShareDocument, { token: share.token }, user);
    await stack.data(SetCartRemindersDocument, { enabled: false }, user);
    expect((await stack.data(CartEventsDocument, { afterVersion: 0, first: 50 }, user)).cartEvents.length).toBeGreaterThan(3);
    expect((await stack.data(CartViewDocument, {}, user)).cart?.lines).toHaveLength(2);
    c = cart((await stack.data(RemoveCartLineDocument, { input: { lineId: teeLine.id } }, user)).removeCartLine);
    c = cart((await stack.data(ClearCartDocument, { input: {} }, user)).clearCart);
    expect(c.lines).toHaveLength(0);
  });

  it('checks out, lists, reads and cancels orders, and replays a checkout', async () => {
    const user = { user: 'pooled-buyer' };
    const added = cart((await stack.data(AddCartLineDocument, { input: { productId: mug.id, quantity: 2 } }, user)).addCartLine);
    const input = { idempotencyKey: 'pool-checkout', expectedCartVersion: added.version, shippingAddress: ADDRESS, paymentToken: 'tok_ok' };
    const order = expectType((await stack.data(CheckoutDocument, { input }, user)).checkout, 'Order');
    expect(expectType((await stack.data(CheckoutDocument, { input }, user)).checkout, 'Order').id).toBe(order.id);
    expect((await stack.data(CartDocument, {}, user)).cart?.lines ?? []).toHaveLength(0);
    expect((await stack.data(OrdersDocument, { first: 10 }, user)).orders.totalCount).toBe(1);
    expect((await stack.data(OrderDocument, { id: order.id }, user)).order?.id).toBe(order.id);
    expect((await stack.request(OrderDocument, { id: order.id }, { user: 'someone-else' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stack.data(CancelOrderDocument, { id: order.id }, user)).cancelOrder).toMatchObject({ id: order.id });
  });

  it('sent no named prepared statement (they do not survive transaction pooling on PgBouncer 1.18)', () => {
    expect(recorder.statements.length).toBeGreaterThan(50);
    expect(recorder.statements.filter((s) => s.named).map((s) => s.text)).toEqual([]);
  });

  it('kept every statement on owner-keyed tables to one owner, cart, order or checkout', () => {
    const ours = recorder.statements.filter((s) => s.database === stack.db.name);
    expect(ours.some((s) => /cart"?\."?CartLine/.test(s.text))).toBe(true);
    expect(ours.some((s) => /orders"?\."?Order"/.test(s.text))).toBe(true);
    expect(shardViolations(ours)).toEqual([]);
  });
});
