/**
 * Live cart sync end to end: real gateways (two instances on one stack), real WebSockets
 * speaking graphql-transport-ws, real Redis carrying the cart outbox, real Postgres. What a
 * subscriber receives; the limits on documents and connections are in subscription-limits.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartEventsDocument, CartUpdatedDocument, CartUpdatedSummaryDocument, MergeGuestCartDocument } from '@platform/client';
import type { RunningGateway } from '@platform/gateway';
import { signUserToken } from '@platform/auth';
import { startStack, waitForLiveSubscriptions, type DeviceCredentials, type TestStack } from '@platform/e2e/support';
import { createProduct, expectEachType, type FixtureProduct } from '@platform/testing';
import { addLineVia, asUser, newUser, quietPeriod, startReplica, useDevices, versions } from './devices.ts';

let stack: TestStack;
let replica: RunningGateway;
let product: FixtureProduct;
let other: FixtureProduct;

beforeAll(async () => {
  stack = await startStack();
  replica = await startReplica(stack);
  [product, other] = await Promise.all([createProduct(stack, { price: '12.50', stock: 10_000 }), createProduct(stack, { price: '3.20', stock: 10_000 })]);
});
afterAll(async () => {
  await replica?.stop();
  await stack?.stop();
});

const { connect, device } = useDevices(() => stack.gateway);
const addLine = (user: string, productId: string, quantity = 1, via: string = stack.url) => addLineVia(via, user, productId, quantity);

describe('fan-out across gateway instances', () => {
  it('two devices of one user on two gateway instances each receive the other one’s addCartLine within 1 s, with product names and cost resolved', async () => {
    const user = newUser();
    const token = await stack.userToken(user);
    const [phone, laptop] = await Promise.all([device({ token }), device({ token }, replica)]);
    const onPhone = phone.subscribe(CartUpdatedDocument);
    const onLaptop = laptop.subscribe(CartUpdatedDocument);
    await Promise.all([waitForLiveSubscriptions(stack.gateway, asUser(user)), waitForLiveSubscriptions(replica, asUser(user))]);

    // The phone adds through its gateway; the laptop, on the other instance, hears of it.
    await addLine(user, product.id, 2, stack.gateway.url);
    await onLaptop.waitForResults(1, 1_000);
    // The laptop adds through its gateway; the phone hears of it.
    await addLine(user, other.id, 1, replica.url);
    await onPhone.waitForResults(2, 1_000);
    await onLaptop.waitForResults(2, 1_000);

    const { cart } = await stack.data<{ cart: { cost: { total: { amount: string; currencyCode: string } } } | null }>('{ cart { cost { total { amount currencyCode } } } }', {}, asUser(user));
    for (const results of [onPhone.results, onLaptop.results]) {
      expect(results.map((r) => r.errors)).toEqual([undefined, undefined]);
      expect(versions(results)).toEqual([1, 2]);
      const [first, second] = results.map((r) => r.data!.cartUpdated);
      expect(first!.type).toBe('LINE_ADDED');
      expect(first!.cart.lines.map((l) => [l.product.name, l.quantity])).toContainEqual([product.name, 2]);
      expect(second!.cart).toMatchObject({ version: 2, ownerType: 'USER', totalQuantity: 3, subtotal: { amount: '28.20' } });
      expect(second!.cart.lines.map((l) => [l.product.name, l.quantity])).toEqual([
        [product.name, 2],
        [other.name, 1],
      ]);
      expect(second!.cart.cost.total).toEqual(cart!.cost.total);
      expect(second!.cart.cost.total.amount).toMatch(/^\d+\.\d{2}$/);
    }
  });

  it('delivers exactly the subscriber’s selection: aliases, fragments, variables and @include', async () => {
    const user = newUser();
    const d = await device({ token: await stack.userToken(user) }, replica);
    const shaped = d.subscribe<Record<string, unknown>>(
      `subscription Shaped($withLines: Boolean!, $withoutCost: Boolean!) {
        update: cartUpdated { v: version ...Cart }
      }
      fragment Cart on CartUpdate {
        kind: type
        cart {
          ... on Cart { n: totalQuantity }
          lines @include(if: $withLines) { product { title: name } }
          cost @skip(if: $withoutCost) { total { amount } }
        }
      }`,
      { withLines: true, withoutCost: true },
    );
    await waitForLiveSubscriptions(replica, asUser(user));
    await addLine(user, product.id, 4);
    const [result] = await shaped.waitForResults(1);
    expect(result).toEqual({ data: { update: { v: 1, kind: 'LINE_ADDED', cart: { n: 4, lines: [{ product: { title: product.name } }] } } } });
  });
});

describe('ordering', () => {
  it('20 rapid changes arrive on every device in version order, none missing, none twice', async () => {
    const user = newUser();
    const token = await stack.userToken(user);
    const [near, far] = await Promise.all([device({ token }), device({ token }, replica)]);
    const onNear = near.subscribe(CartUpdatedSummaryDocument);
    const onFar = far.subscribe(CartUpdatedSummaryDocument);
    await Promise.all([waitForLiveSubscriptions(stack.gateway, asUser(user)), waitForLiveSubscriptions(replica, asUser(user))]);

    // Concurrent writes: the cart serialises them, but their events may reach Redis out of order.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => addLine(user, i % 2 ? product.id : other.id, 1)));
    expectEachType(results.map((r) => r.addCartLine), 'Cart');

    const expected = Array.from({ length: 20 }, (_, i) => i + 1);
    for (const sub of [onNear, onFar]) {
      await sub.waitForResults(20, 10_000);
      await quietPeriod(200);
      expect(versions(sub.results)).toEqual(expected);
      // Each payload's cart is at least as new as the change it announces.
      for (const r of sub.results) expect(r.data!.cartUpdated.cart.version).toBeGreaterThanOrEqual(r.data!.cartUpdated.version);
      expect(sub.results.at(-1)!.data!.cartUpdated.cart).toMatchObject({ version: 20, totalQuantity: 20 });
    }
  });

  it('a device that was disconnected during 5 changes catches up through cartEvents(afterVersion)', async () => {
    const user = newUser();
    const token = await stack.userToken(user);
    const first = await device({ token });
    const live = first.subscribe(CartUpdatedSummaryDocument);
    await waitForLiveSubscriptions(stack.gateway, asUser(user));
    await addLine(user, product.id, 1);
    const [seen] = await live.waitForResults(1);
    const lastSeen = seen!.data!.cartUpdated.version;
    await first.disconnect();

    for (let i = 0; i < 5; i++) await addLine(user, i % 2 ? product.id : other.id, 1);

    // Back online: resubscribe first, then read what was missed, then keep listening.
    const again = await device({ token }, replica);
    const resumed = again.subscribe(CartUpdatedSummaryDocument);
    await waitForLiveSubscriptions(replica, asUser(user));
    const { cartEvents } = await stack.data(CartEventsDocument, { afterVersion: lastSeen }, asUser(user));
    // The first change of `other` adds its line; every later change adds to an existing line.
    expect(cartEvents.map((e) => [e.version, e.type])).toEqual([
      [2, 'LINE_ADDED'],
      [3, 'LINE_UPDATED'],
      [4, 'LINE_UPDATED'],
      [5, 'LINE_UPDATED'],
      [6, 'LINE_UPDATED'],
    ]);
    expect(resumed.results).toEqual([]);

    await addLine(user, product.id, 1);
    await resumed.waitForResults(1);
    expect(versions(resumed.results)).toEqual([7]);
  });
});

describe('identity', () => {
  it('a stranger never receives another owner’s cart updates', async () => {
    const owner = newUser();
    const stranger = newUser();
    const guest = await stack.guestToken();
    const mine = await device({ token: await stack.userToken(owner) }, replica);
    const theirs = await device({ token: await stack.userToken(stranger) }, replica);
    const guestDevice = await device({ guest }, replica);
    const onMine = mine.subscribe(CartUpdatedSummaryDocument);
    const onTheirs = theirs.subscribe(CartUpdatedSummaryDocument);
    const onGuest = guestDevice.subscribe(CartUpdatedSummaryDocument);
    await Promise.all([
      waitForLiveSubscriptions(replica, asUser(owner)),
      waitForLiveSubscriptions(replica, asUser(stranger)),
      waitForLiveSubscriptions(replica, { guest }),
    ]);

    for (let i = 0; i < 3; i++) await addLine(owner, product.id, 1);
    await onMine.waitForResults(3);
    await quietPeriod(300);
    expect(versions(onMine.results)).toEqual([1, 2, 3]);
    expect(onTheirs.results).toEqual([]);
    expect(onGuest.results).toEqual([]);
  });

  it.each([
    ['a malformed token', { token: 'not-a-jwt' }, /invalid/],
    ['a token signed with another secret', { token: 'forged' }, /invalid/],
    ['no credentials at all', { anonymous: true }, /token/],
    ['an already expired token', { token: 'expired' }, /expired/],
  ] as const)('%s on connection_init is refused with 4403', async (_name, credentials, reason) => {
    let resolved: DeviceCredentials = credentials;
    if ('token' in credentials && credentials.token === 'forged') resolved = { token: await signUserToken('someone-elses-secret-0123456789-0123456789', { userId: 'mallory' }) };
    if ('token' in credentials && credentials.token === 'expired') resolved = { token: await stack.userToken('late', { expiresInSeconds: 60, now: new Date(Date.now() - 3_600_000) }) };
    const d = connect(stack.url, resolved);
    await expect(d.acknowledged).rejects.toThrow(/4403/);
    const closed = await d.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(reason);
  });

  it('a guest token sent as a user JWT is refused', async () => {
    const d = connect(stack.url, { params: { authorization: `Bearer ${await stack.guestToken()}` } });
    expect((await d.closed).code).toBe(4403);
  });

  it('the socket closes (4403, session expired) when the token expires', async () => {
    const user = newUser();
    const d = await device({ token: await stack.userToken(user, { expiresInSeconds: 2 }) });
    const sub = d.subscribe(CartUpdatedSummaryDocument);
    await waitForLiveSubscriptions(stack.gateway, asUser(user));
    const started = Date.now();
    const closed = await d.closed;
    expect(closed).toEqual({ code: 4403, reason: 'Forbidden: session expired' });
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(sub.ended).resolves.toMatchObject({ completed: false });
    await expect.poll(() => stack.gateway.subscriptions.liveSubscriptions(`USER:${user}`)).toBe(0);
  });
});

describe('guests, merge and checkout', () => {
  it('a guest device receives updates; after mergeGuestCart its subscription completes and it can subscribe as the user', async () => {
    const guest = await stack.guestToken();
    const user = newUser();
    const token = await stack.userToken(user);
    const guestDevice = await device({ guest });
    const userDevice = await device({ token }, replica);
    const asGuest = guestDevice.subscribe(CartUpdatedDocument);
    const asOwner = userDevice.subscribe(CartUpdatedSummaryDocument);
    await Promise.all([waitForLiveSubscriptions(stack.gateway, { guest }), waitForLiveSubscriptions(replica, asUser(user))]);

    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 2 } }, { guest });
    const [update] = await asGuest.waitForResults(1);
    expect(update!.data!.cartUpdated).toMatchObject({ version: 1, type: 'LINE_ADDED', cart: { ownerType: 'GUEST', lines: [{ quantity: 2, product: { name: product.name } }] } });

    const merged = await stack.data(MergeGuestCartDocument, { input: { guestToken: guest } }, asUser(user));
    expect(merged.mergeGuestCart.cart.totalQuantity).toBe(2);
    await expect(asGuest.ended).resolves.toEqual({ completed: true });
    expect(asGuest.results).toHaveLength(1);
    const [mergedUpdate] = await asOwner.waitForResults(1);
    expect(mergedUpdate!.data!.cartUpdated).toMatchObject({ type: 'MERGED', cart: { totalQuantity: 2 } });

    // The same device signs in: a new connection bound to the user.
    const signedIn = await device({ token });
    const asUserNow = signedIn.subscribe(CartUpdatedSummaryDocument);
    await waitForLiveSubscriptions(stack.gateway, asUser(user));
    await addLine(user, other.id, 1);
    const [next] = await asUserNow.waitForResults(1);
    expect(next!.data!.cartUpdated).toMatchObject({ type: 'LINE_ADDED', cart: { totalQuantity: 3 } });
  });

  it('the checkout step that empties the cart delivers a CHECKED_OUT update', async () => {
    const user = newUser();
    const d = await device({ token: await stack.userToken(user) });
    const sub = d.subscribe(CartUpdatedSummaryDocument);
    await waitForLiveSubscriptions(stack.gateway, asUser(user));
    await addLine(user, product.id, 3);
    // What the order subgraph's checkout saga calls once the order is paid (markCheckedOut).
    const { cart } = stack.subgraphs;
    const done = await cart.services.carts.checkOut(cart.context({ ownerType: 'USER', ownerId: user }), { expectedVersion: 1, checkoutId: randomUUID() });
    expect(done).toMatchObject({ version: 2 });
    await sub.waitForResults(2);
    expect(sub.results.map((r) => r.data!.cartUpdated)).toMatchObject([
      { version: 1, type: 'LINE_ADDED', cart: { totalQuantity: 3 } },
      { version: 2, type: 'CHECKED_OUT', cart: { totalQuantity: 0 } },
    ]);
  });
});
