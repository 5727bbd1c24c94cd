/**
 * Every business event reaches the stream after the action that causes it, as the documented
 * envelope: valid against `schema/events.schema.json`, on `<prefix>.<type>`, with `Nats-Msg-Id`
 * equal to its id, and in order per cart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddCartLineDocument,
  CancelOrderDocument,
  CheckoutDocument,
  ClearCartDocument,
  MergeGuestCartDocument,
  MoveSavedLineToCartDocument,
  RemoveCartLineDocument,
  SaveLineForLaterDocument,
  UpdateCartLineDocument,
} from '@platform/client';
import { EVENT_TYPES, type EventEnvelope, type EventType } from '@platform/events';
import { readStream, schemaErrors, startStack, type StreamReader, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, setPrice, setStock, sql, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let stream: StreamReader;
let product: FixtureProduct;
let now = new Date();

const ADDRESS = { name: 'Tan Wei Ling', line1: '1 Raffles Place', city: 'Singapore', postalCode: '048616', country: 'SG' };

beforeAll(async () => {
  stack = await startStack({ now: () => now, env: { CART_ABANDONED_SCAN_INTERVAL_MS: '0', CHECKOUT_RECOVERY_INTERVAL_MS: '0' } });
  stream = await readStream(stack.events);
  product = await createProduct(stack, { price: '12.50', stock: 50 });
});
afterAll(async () => {
  await stream?.close();
  await stack?.stop();
});

const ofType = <T extends EventType>(events: EventEnvelope[], type: T) => events.filter((e): e is Extract<EventEnvelope, { type: T }> => e.type === type);
const cartEventsOf = (events: EventEnvelope[], ownerId: string) => events.filter((e) => e.type.startsWith('cart.') && 'ownerId' in e.data && e.data.ownerId === ownerId);

describe('the event stream', () => {
  it('carries every listed event type after the action that causes it, each one valid against schema/events.schema.json', async () => {
    const me = { user: 'stream-shopper' } as const;
    const add = async (quantity: number) => expectType((await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity } }, me)).addCartLine, 'Cart');
    const cart = await add(1); // line_added
    const lineId = cart.lines[0]!.id;
    await add(1); // line_updated (same product adds to the line)
    await stack.data(UpdateCartLineDocument, { input: { lineId, quantity: 3 } }, me); // line_updated
    await stack.data(SaveLineForLaterDocument, { input: { lineId } }, me); // line_saved_for_later
    await stack.data(MoveSavedLineToCartDocument, { input: { lineId } }, me); // line_moved_to_cart
    await stack.data(RemoveCartLineDocument, { input: { lineId } }, me); // line_removed
    await add(2);
    await stack.data(ClearCartDocument, { input: {} }, me); // cleared

    // A guest's cart merged into the user's at sign-in.
    const guest = await stack.guestToken();
    await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, { guest });
    const merged = await stack.data(MergeGuestCartDocument, { input: { guestToken: guest } }, me); // merged

    // Checkout (order.paid, cart.checked_out, stock changes), then a cancellation.
    const placed = await stack.data(
      CheckoutDocument,
      { input: { idempotencyKey: 'stream-checkout', expectedCartVersion: merged.mergeGuestCart.cart.version, shippingAddress: ADDRESS, paymentToken: 'tok_ok' } },
      me,
    );
    const order = expectType(placed.checkout, 'Order');
    await stack.data(CancelOrderDocument, { id: order.id }, me); // order.cancelled

    await setPrice(stack, product.id, '11.00'); // product.price_changed
    await setStock(stack, product.id, 40); // product.stock_changed

    // An idle cart, 72 hours later by the cart's clock.
    await add(1);
    now = new Date(now.getTime() + 73 * 3_600_000);
    expect(await stack.subgraphs.cart.scanAbandoned()).toBe(1);

    const listed = EVENT_TYPES.filter((t) => !['cart.coupon_applied', 'cart.coupon_removed', 'cart.shipping_country_set'].includes(t));
    // Each subgraph's relay publishes on its own, so the stream interleaves them in any order:
    // wait for every event the assertions below expect, not just one of each type.
    const events = await stream.waitFor(
      (all) =>
        listed.every((t) => all.some((e) => e.type === t)) &&
        cartEventsOf(all, me.user).length >= 12 &&
        ofType(all, 'product.price_changed').filter((e) => e.data.productId === product.id).length >= 2 &&
        ofType(all, 'product.stock_changed').filter((e) => e.data.productId === product.id).length >= 5,
      'an event of every listed type, and every event of this shopper and product',
    );
    expect(listed.filter((t) => !events.some((e) => e.type === t))).toEqual([]);
    expect(stream.received.map((r) => ({ subject: r.subject, errors: schemaErrors(r.json) })).filter((r) => r.errors.length)).toEqual([]);
    expect(stream.received.filter((r) => !r.event || r.subject !== `${stack.events.prefix}.${r.event.type}` || r.msgId !== r.event.id).map((r) => r.subject)).toEqual([]);

    // What each one says.
    const mine = cartEventsOf(events, me.user);
    expect(mine.map((e) => [e.type, 'cartVersion' in e.data ? e.data.cartVersion : null])).toEqual([
      ['cart.line_added', 1],
      ['cart.line_updated', 2],
      ['cart.line_updated', 3],
      ['cart.line_saved_for_later', 4],
      ['cart.line_moved_to_cart', 5],
      ['cart.line_removed', 6],
      ['cart.line_added', 7],
      ['cart.cleared', 8],
      ['cart.merged', 9],
      ['cart.checked_out', 10],
      ['cart.line_added', 11],
      ['cart.abandoned', 11],
    ]);
    expect(ofType(events, 'order.paid').map((e) => ({ orderId: e.data.orderId, userId: e.data.userId, total: e.data.total.amount, lines: e.data.lines.map((l) => [l.productId, l.quantity, l.unitPrice.amount]) }))).toEqual([
      { orderId: order.id, userId: me.user, total: order.total.amount, lines: [[product.id, 1, '12.50']] },
    ]);
    expect(ofType(events, 'order.cancelled').map((e) => e.data.orderId)).toEqual([order.id]);
    expect(ofType(events, 'product.price_changed').filter((e) => e.data.productId === product.id).map((e) => [e.data.previousPrice?.amount ?? null, e.data.price.amount])).toEqual([
      [null, '12.50'],
      ['12.50', '11.00'],
    ]);
    // Set to 50 at creation, reserved, consumed by the checkout, restocked by the cancel, then set to 40.
    expect(ofType(events, 'product.stock_changed').filter((e) => e.data.productId === product.id).map((e) => [e.data.reason, e.data.onHand, e.data.reserved])).toEqual([
      ['SET_STOCK', 50, 0],
      ['RESERVE', 50, 1],
      ['CONSUME', 49, 0],
      ['RESTOCK', 50, 0],
      ['SET_STOCK', 40, 0],
    ]);
    expect(ofType(events, 'cart.abandoned').map((e) => ({ owner: e.data.ownerId, lines: e.data.lineCount, quantity: e.data.totalQuantity }))).toEqual([{ owner: me.user, lines: 1, quantity: 1 }]);
  });

  it('publishes each event once: the ids on the stream are unique and the outboxes hold nothing unsent', async () => {
    const ids = stream.events().map((e) => e.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    await expect.poll(async () => (await Promise.all(['cart', 'catalog', 'pricing', 'orders'].map((s) => unsent(s)))).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("shows each relay's published events and lag in /metrics", async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${stack.subgraphs.cart.port}/metrics`)).text();
    const published = metrics.split('\n').filter((l) => l.startsWith('events_relayed_total{') && l.includes('type="cart.line_added"') && l.includes('result="published"'));
    expect(published.length).toBe(1);
    expect(Number(published[0]!.split(' ').at(-1))).toBeGreaterThanOrEqual(3);
    expect(metrics).toMatch(/^events_relay_lag_seconds\{[^}]*\} 0$/m);
  });
});

async function unsent(schema: string): Promise<number> {
  const [row] = await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM "${schema}"."OutboxEvent" WHERE "streamedAt" IS NULL`);
  return row!.n;
}
