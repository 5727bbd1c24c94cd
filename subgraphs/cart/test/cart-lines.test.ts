import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddCartLineDocument,
  CartDocument,
  CartEventsDocument,
  ClearCartDocument,
  MoveSavedLineToCartDocument,
  RemoveCartLineDocument,
  SaveLineForLaterDocument,
  UpdateCartLineDocument,
} from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, setPrice, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let tea: FixtureProduct;
let kopi: FixtureProduct;
let batik: FixtureProduct;
beforeAll(async () => {
  stack = await startStack();
  [tea, kopi, batik] = await Promise.all([
    createProduct(stack, { name: 'Teh Tarik Instant Mix', price: '6.90', stock: 50 }),
    createProduct(stack, { name: 'Kopi O Beans 500g', price: '18.50', stock: 50 }),
    createProduct(stack, { name: 'Batik Shirt', price: '45.00', stock: 50 }),
  ]);
});
afterAll(() => stack?.stop());

/** Internal calls pricing has served so far (its /metrics). */
async function pricingCalls(): Promise<number> {
  const text = await (await fetch(new URL('/metrics', stack.subgraphs.pricing.url))).text();
  return [...text.matchAll(/^http_request_duration_seconds_count\{[^}]*route="\/internal"[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

describe('the price an add captures', () => {
  it('is what pricing answers now: asked once per product, then remembered until its price changes', async () => {
    const rambutan = await createProduct(stack, { name: 'Rambutan 1kg', price: '8.40', stock: 50 });
    const add = async (user: string) => {
      const cart = expectType((await stack.data(AddCartLineDocument, { input: { productId: rambutan.id, quantity: 1 } }, { user })).addCartLine, 'Cart');
      return cart.lines.find((l) => l.product.id === rambutan.id)!.unitPrice.amount;
    };
    const start = await pricingCalls();
    expect(await add('memo-1')).toBe('8.40');
    const asked = (await pricingCalls()) - start;
    expect(asked).toBe(1);
    // Another shopper, same product, price unchanged: no internal call.
    expect(await add('memo-2')).toBe('8.40');
    expect((await pricingCalls()) - start).toBe(asked);
    // The price changes: the very next add captures the new one, asking pricing again.
    await setPrice(stack, rambutan.id, '7.95');
    const beforeThird = await pricingCalls();
    expect(await add('memo-3')).toBe('7.95');
    expect((await pricingCalls()) - beforeThird).toBe(1);
  });
});

describe('adding, changing and removing lines', () => {
  const me = { user: 'siti' } as const;

  it('the cart is null before the first change', async () => {
    expect((await stack.data(CartDocument, {}, me)).cart).toBeNull();
  });

  it('adding creates the cart with the captured price, version 1 and an expiry 30 days out', async () => {
    const before = Date.now();
    const cart = expectType((await stack.data(AddCartLineDocument, { input: { productId: tea.id, quantity: 2 } }, me)).addCartLine, 'Cart');
    expect(cart).toMatchObject({ version: 1, ownerType: 'USER', totalQuantity: 2, subtotal: { amount: '13.80', currencyCode: 'SGD' } });
    expect(cart.lines).toMatchObject([{ quantity: 2, unitPrice: { amount: '6.90' }, lineTotal: { amount: '13.80' }, product: { name: tea.name } }]);
    const expiry = new Date(cart.expiresAt).getTime() - before;
    expect(expiry).toBeGreaterThan(29.9 * 86_400_000);
    expect(expiry).toBeLessThan(30.1 * 86_400_000);
  });

  it('the same product with the same options in another key order adds to the existing line', async () => {
    const guest = { guest: await stack.guestToken() };
    await stack.data(AddCartLineDocument, { input: { productId: batik.id, quantity: 1, options: { size: 'M', color: 'blue' } } }, guest);
    const cart = expectType((await stack.data(AddCartLineDocument, { input: { productId: batik.id, quantity: 2, options: { color: 'blue', size: 'M' } } }, guest)).addCartLine, 'Cart');
    expect(cart.lines).toMatchObject([{ quantity: 3, options: { size: 'M', color: 'blue' } }]);
    const other = expectType((await stack.data(AddCartLineDocument, { input: { productId: batik.id, quantity: 1, options: { size: 'L', color: 'blue' } } }, guest)).addCartLine, 'Cart');
    expect(other.lines.map((l) => l.quantity)).toEqual([3, 1]);
  });

  it('a price change after adding leaves unitPrice as captured; adding more keeps the captured price', async () => {
    const user = { user: 'price-watcher' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: kopi.id, quantity: 1 } }, user);
    await setPrice(stack, kopi.id, '21.00');
    const cart = expectType((await stack.data(AddCartLineDocument, { input: { productId: kopi.id, quantity: 1 } }, user)).addCartLine, 'Cart');
    expect(cart.lines).toMatchObject([{ quantity: 2, unitPrice: { amount: '18.50' }, lineTotal: { amount: '37.00' }, product: { price: { amount: '21.00' } } }]);
    await setPrice(stack, kopi.id, '18.50');
  });

  it('updateCartLine sets the quantity and removeCartLine removes the line, each a new version', async () => {
    const { cart } = await stack.data(CartDocument, {}, me);
    if (!cart) return expect.unreachable(`${me.user} has no cart`);
    const line = cart.lines[0]!;
    const updated = expectType((await stack.data(UpdateCartLineDocument, { input: { lineId: line.id, quantity: 5 } }, me)).updateCartLine, 'Cart');
    expect(updated).toMatchObject({ version: cart.version + 1, totalQuantity: 5, subtotal: { amount: '34.50' } });
    const removed = expectType((await stack.data(RemoveCartLineDocument, { input: { lineId: line.id } }, me)).removeCartLine, 'Cart');
    expect(removed).toMatchObject({ version: cart.version + 2, lines: [], totalQuantity: 0, subtotal: { amount: '0.00' } });
  });

  it('saved-for-later lines leave the totals, and moving back combines with a twin line', async () => {
    const user = { user: 'saver' } as const;
    const added = expectType((await stack.data(AddCartLineDocument, { input: { productId: tea.id, quantity: 2 } }, user)).addCartLine, 'Cart');
    const saved = expectType((await stack.data(SaveLineForLaterDocument, { input: { lineId: added.lines[0]!.id } }, user)).saveLineForLater, 'Cart');
    expect(saved).toMatchObject({ lines: [], totalQuantity: 0, subtotal: { amount: '0.00' } });
    expect(saved.savedForLater).toMatchObject([{ quantity: 2, product: { id: tea.id } }]);

    await stack.data(AddCartLineDocument, { input: { productId: tea.id, quantity: 1 } }, user);
    const moved = expectType((await stack.data(MoveSavedLineToCartDocument, { input: { lineId: saved.savedForLater[0]!.id } }, user)).moveSavedLineToCart, 'Cart');
    expect(moved.savedForLater).toEqual([]);
    expect(moved.lines).toMatchObject([{ quantity: 3, product: { id: tea.id } }]);
  });

  it('clearCart empties the active lines but keeps saved ones', async () => {
    const user = { user: 'clearer' } as const;
    const a = expectType((await stack.data(AddCartLineDocument, { input: { productId: tea.id, quantity: 1 } }, user)).addCartLine, 'Cart');
    await stack.data(AddCartLineDocument, { input: { productId: kopi.id, quantity: 1 } }, user);
    await stack.data(SaveLineForLaterDocument, { input: { lineId: a.lines[0]!.id } }, user);
    const cleared = expectType((await stack.data(ClearCartDocument, {}, user)).clearCart, 'Cart');
    expect(cleared.lines).toEqual([]);
    expect(cleared.savedForLater.map((l) => l.product.id)).toEqual([tea.id]);
  });

  it('cartEvents pages through the history in version order', async () => {
    const user = { user: 'historian' } as const;
    const added = expectType((await stack.data(AddCartLineDocument, { input: { productId: tea.id, quantity: 1 } }, user)).addCartLine, 'Cart');
    await stack.data(UpdateCartLineDocument, { input: { lineId: added.lines[0]!.id, quantity: 4 } }, user);
    await stack.data(RemoveCartLineDocument, { input: { lineId: added.lines[0]!.id } }, user);
    const all = (await stack.data(CartEventsDocument, {}, user)).cartEvents;
    expect(all.map((e) => [e.version, e.type, e.quantity])).toEqual([
      [1, 'LINE_ADDED', 1],
      [2, 'LINE_UPDATED', 4],
      [3, 'LINE_REMOVED', 0],
    ]);
    const page = (await stack.data(CartEventsDocument, { afterVersion: 1, first: 1 }, user)).cartEvents;
    expect(page.map((e) => e.version)).toEqual([2]);
    expect(page[0]).toMatchObject({ lineId: added.lines[0]!.id, productId: tea.id });
  });
});
