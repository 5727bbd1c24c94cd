/**
 * The storefront in Chromium across sign-in: a guest's cart merged into the user's with the
 * outcome of every line on screen, then checkout with the test payment tokens and the order in
 * the order history.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, LiveCartDocument, OrdersDocument } from '@platform/client';
import { createProduct, expectType, setStock, type FixtureProduct } from '@platform/testing';
import { artifact, eventually, expectNoPageErrors, signIn, startShop, storedIdentity, texts, type Shop } from './support.ts';

let shop: Shop;
let fresh: FixtureProduct;
let shared: FixtureProduct;
let bulk: FixtureProduct;
let vanishing: FixtureProduct;

beforeAll(async () => {
  shop = await startShop();
  [fresh, shared, bulk, vanishing] = await Promise.all([
    createProduct(shop.stack, { name: 'Wombat Picnic Blanket', price: '40.00', stock: 100 }),
    createProduct(shop.stack, { name: 'Wombat Water Bottle', price: '12.00', stock: 100 }),
    createProduct(shop.stack, { name: 'Wombat Sticker', price: '1.00', stock: 5_000 }),
    createProduct(shop.stack, { name: 'Wombat Limited Print', price: '80.00', stock: 3 }),
  ]);
}, 120_000);
afterAll(() => shop?.stop());

/** The demo login's user id for a name (what the storefront server signs). */
const demoUser = (name: string) => ({ user: `demo-${name}` });

async function addFromCatalog(page: Page, name: string): Promise<void> {
  await page.getByLabel('Search products').fill(name);
  await page.getByRole('button', { name: 'Search' }).click();
  await eventually(() => texts(page, 'product-name')).toEqual([name]);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await eventually(() => page.getByTestId('notice').textContent()).toContain(`Added ${name} to your cart.`);
}

describe('guest to user', { timeout: 120_000 }, () => {
  it('signing in merges the guest cart and shows ADDED, COMBINED, CAPPED and DROPPED_UNAVAILABLE per line', async () => {
    // The user already has a cart from another device: a bottle, and 990 stickers.
    const user = demoUser('merger');
    expectType((await shop.stack.data(AddCartLineDocument, { input: { productId: shared.id, quantity: 1 } }, user)).addCartLine, 'Cart');
    expectType((await shop.stack.data(AddCartLineDocument, { input: { productId: bulk.id, quantity: 990 } }, user)).addCartLine, 'Cart');

    const page = await shop.visit();
    expect((await storedIdentity(page)).kind).toBe('guest');
    for (const product of [fresh, shared, bulk, vanishing]) await addFromCatalog(page, product.name);
    await page.getByTestId('cart-link').click();
    await page.getByLabel(`Quantity of ${bulk.name}`).fill('20');
    await page.getByLabel(`Quantity of ${bulk.name}`).press('Enter');
    await eventually(() => page.getByTestId('cart-count').textContent()).toBe('23');
    await setStock(shop.stack, vanishing.id, 0); // sold out elsewhere before the guest signs in

    await signIn(page, 'merger');
    const outcomes = page.getByTestId('merge-outcome');
    await eventually(() => outcomes.count()).toBe(4);
    const shown = await outcomes.evaluateAll((items) => items.map((li) => [li.getAttribute('data-outcome'), li.textContent]));
    expect(shown).toEqual([
      ['ADDED', `${fresh.name}: added (1)`],
      ['COMBINED', `${shared.name}: combined with your cart (2)`],
      ['CAPPED', `${bulk.name}: capped at 999, the most one line holds (999)`],
      ['DROPPED_UNAVAILABLE', `${vanishing.name}: dropped: no longer available (0)`],
    ]);
    expect((await storedIdentity(page)).kind).toBe('user');
    await page.screenshot({ path: artifact('merge-report.png'), fullPage: true });
    await eventually(async () => (await texts(page, 'line-name')).sort()).toEqual([shared.name, bulk.name, fresh.name].sort());
    const { cart } = await shop.stack.data(LiveCartDocument, {}, user);
    expect(cart?.lines.map((l) => [l.product.name, l.quantity]).sort()).toEqual(
      [
        [shared.name, 2],
        [bulk.name, 999],
        [fresh.name, 1],
      ].sort(),
    );
    expectNoPageErrors(page);
  });
});

describe('checkout and orders', { timeout: 120_000 }, () => {
  it('a declined card shows why and keeps the cart; tok_ok places the order at the shown total, empties the cart and lists it in the order history', async () => {
    const page = await shop.visit();
    await signIn(page, 'buyer');
    await addFromCatalog(page, fresh.name);
    await addFromCatalog(page, shared.name);
    await page.getByTestId('cart-link').click();
    await eventually(() => texts(page, 'line-name')).toEqual([fresh.name, shared.name]);
    const total = await page.getByTestId('cost-total').textContent();
    await page.getByRole('link', { name: 'Checkout' }).click();

    await page.getByLabel('Test card: declined').check();
    await page.getByRole('button', { name: 'Place order' }).click();
    await eventually(() => page.getByTestId('checkout-problem').textContent()).toMatch(/declined/i);
    expect(await page.getByTestId('cart-count').textContent()).toBe('2');
    expect((await shop.stack.data(OrdersDocument, {}, demoUser('buyer'))).orders.totalCount).toBe(0);

    await page.getByLabel('Test card: approved').check();
    await page.getByRole('button', { name: 'Place order' }).click();
    await eventually(() => page.getByTestId('order-detail').isVisible()).toBe(true);
    expect(await texts(page, 'order-line')).toEqual([`1 × ${fresh.name} at SGD 40.00 = SGD 40.00`, `1 × ${shared.name} at SGD 12.00 = SGD 12.00`]);
    expect(await page.getByTestId('order-total').textContent()).toContain(`Total ${total}, paid`);
    await eventually(() => page.getByTestId('cart-count').textContent()).toBe('0');

    const { orders } = await shop.stack.data(OrdersDocument, {}, demoUser('buyer'));
    expect(orders.totalCount).toBe(1);
    await eventually(() => texts(page, 'order-row')).toEqual([expect.stringContaining(orders.edges[0]!.node.number)]);
    expect(await page.getByTestId('notice').textContent()).toContain(`Order ${orders.edges[0]!.node.number} placed`);
    expectNoPageErrors(page);
  });
});
