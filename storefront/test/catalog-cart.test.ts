/**
 * The storefront in Chromium, as a guest: browsing, searching, filtering and paging the demo
 * catalog, and the cart page (quantities, save for later, remove, coupon, shipping country,
 * the cost breakdown and the price-changed flag). The cart page screenshot is kept in
 * `test-artifacts/cart-page.png`.
 */
import { statSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CategoriesDocument, LiveCartDocument, ShippingCountriesDocument, StoreProductsDocument } from '@platform/client';
import { createProduct, setPrice, type FixtureProduct } from '@platform/testing';
import { artifact, eventually, expectNoPageErrors, startShop, storedIdentity, texts, type Shop } from './support.ts';

let shop: Shop;
let lamp: FixtureProduct;
let kettle: FixtureProduct;
let mug: FixtureProduct;

beforeAll(async () => {
  shop = await startShop();
  // Names no demo product has, so a search finds exactly one.
  [lamp, kettle, mug] = await Promise.all([
    createProduct(shop.stack, { name: 'Quokka Desk Lamp', price: '30.00', stock: 50 }),
    createProduct(shop.stack, { name: 'Quokka Steel Kettle', price: '25.00', stock: 50 }),
    createProduct(shop.stack, { name: 'Quokka Travel Mug', price: '9.50', stock: 50 }),
  ]);
}, 120_000);
afterAll(() => shop?.stop());

const cards = (page: Page) => texts(page, 'product-name');

async function addFromCatalog(page: Page, name: string): Promise<void> {
  await page.getByLabel('Search products').fill(name);
  await page.getByRole('button', { name: 'Search' }).click();
  await eventually(() => cards(page)).toEqual([name]);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await eventually(() => page.getByTestId('notice').textContent()).toContain(`Added ${name} to your cart.`);
}

describe('catalog', { timeout: 120_000 }, () => {
  it('shows the first 12 products with price and stock, and pages forward and back exactly as the API does', async () => {
    const page = await shop.visit();
    const api = await shop.stack.data(StoreProductsDocument, { first: 12 });
    const apiNext = await shop.stack.data(StoreProductsDocument, { first: 12, after: api.products.pageInfo.endCursor });

    await eventually(() => cards(page)).toEqual(api.products.edges.map((e) => e.node.name));
    expect(await texts(page, 'product-price')).toEqual(api.products.edges.map((e) => `${e.node.price.currencyCode} ${e.node.price.amount}`));
    expect(await texts(page, 'product-stock')).toEqual(api.products.edges.map((e) => (e.node.availability.inStock ? `In stock: ${e.node.availability.availableQuantity}` : 'Out of stock')));
    expect(await page.getByTestId('result-count').textContent()).toBe(`Showing 1–12 of ${api.products.totalCount}`);

    await page.getByRole('button', { name: 'Next page' }).click();
    await eventually(() => cards(page)).toEqual(apiNext.products.edges.map((e) => e.node.name));
    expect(await page.getByTestId('result-count').textContent()).toBe(`Showing 13–24 of ${api.products.totalCount}`);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await eventually(() => cards(page)).toEqual(api.products.edges.map((e) => e.node.name));
    await page.screenshot({ path: artifact('catalog.png') });
    expectNoPageErrors(page);
  });

  it('search finds a product by name; a category filter shows that category’s products; in-stock-only hides none that are in stock', async () => {
    const page = await shop.visit();
    await page.getByLabel('Search products').fill('Quokka Kettle');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(() => cards(page)).toEqual([kettle.name]);

    const { categories } = await shop.stack.data(CategoriesDocument);
    const category = categories.find((c) => c.parent !== null)!;
    const inCategory = await shop.stack.data(StoreProductsDocument, { filter: { categoryId: category.id }, first: 12 });
    await page.getByLabel('Search products').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByLabel('Category').selectOption(category.id);
    await eventually(() => cards(page)).toEqual(inCategory.products.edges.map((e) => e.node.name));
    expect(await page.getByTestId('result-count').textContent()).toContain(`of ${inCategory.products.totalCount}`);

    const inStock = await shop.stack.data(StoreProductsDocument, { filter: { categoryId: category.id, inStockOnly: true }, first: 12 });
    await page.getByLabel('In stock only').check();
    await eventually(() => cards(page)).toEqual(inStock.products.edges.map((e) => e.node.name));
    expectNoPageErrors(page);
  });
});

describe('cart page', { timeout: 120_000 }, () => {
  it('adds, changes quantities, saves for later and back, removes, applies WELCOME10, sets the country, shows the cost the API states and the price-changed flag', async () => {
    const page = await shop.visit();
    for (const product of [lamp, kettle, mug]) await addFromCatalog(page, product.name);
    await page.getByTestId('cart-link').click();
    await eventually(() => texts(page, 'line-name')).toEqual([lamp.name, kettle.name, mug.name]);
    expect(await texts(page, 'line-unit-price')).toEqual(['SGD 30.00', 'SGD 25.00', 'SGD 9.50']);
    expect(await page.getByTestId('cart-count').textContent()).toBe('3');

    await page.getByRole('button', { name: `Increase ${lamp.name}` }).click();
    await eventually(() => texts(page, 'line-total')).toEqual(['SGD 60.00', 'SGD 25.00', 'SGD 9.50']);
    await page.getByLabel(`Quantity of ${mug.name}`).fill('3');
    await page.getByLabel(`Quantity of ${mug.name}`).press('Enter');
    await eventually(() => texts(page, 'line-total')).toEqual(['SGD 60.00', 'SGD 25.00', 'SGD 28.50']);

    const kettleRow = page.getByTestId('cart-line').filter({ hasText: kettle.name });
    await kettleRow.getByRole('button', { name: 'Save for later' }).click();
    await eventually(() => texts(page, 'saved-name')).toEqual([kettle.name]);
    expect(await texts(page, 'line-name')).toEqual([lamp.name, mug.name]);
    await page.getByTestId('saved-line').getByRole('button', { name: 'Move to cart' }).click();
    await eventually(async () => (await texts(page, 'line-name')).sort()).toEqual([lamp.name, kettle.name, mug.name].sort());
    await page.getByTestId('cart-line').filter({ hasText: mug.name }).getByRole('button', { name: 'Remove' }).click();
    await eventually(async () => (await texts(page, 'line-name')).sort()).toEqual([lamp.name, kettle.name].sort());

    // 60.00 + 25.00 = 85.00 passes WELCOME10's minimum of 50.00.
    await page.getByLabel('Coupon code').fill('WELCOME10');
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually(() => texts(page, 'applied-coupon')).toEqual([expect.stringContaining('WELCOME10')]);
    const { shippingCountries } = await shop.stack.data(ShippingCountriesDocument);
    const elsewhere = shippingCountries.find((c) => !c.isDefault)!;
    await page.getByLabel('Shipping country').selectOption(elsewhere.code);

    const guest = { guest: (await storedIdentity(page)).token };
    await eventually(async () => (await shop.stack.data(LiveCartDocument, {}, guest)).cart?.shippingCountry).toBe(elsewhere.code);
    const { cart } = await shop.stack.data(LiveCartDocument, {}, guest);
    const cost = cart!.cost;
    const money = (m: { amount: string; currencyCode: string }) => `${m.currencyCode} ${m.amount}`;
    await eventually(() => page.getByTestId('cost-total').textContent()).toBe(money(cost.total));
    expect(cost.discounts.map((d) => d.code)).toEqual(['WELCOME10']);
    expect({
      subtotal: await page.getByTestId('cost-subtotal').textContent(),
      discount: await page.getByTestId('cost-discount-WELCOME10').textContent(),
      shipping: await page.getByTestId('cost-shipping').textContent(),
      tax: await page.getByTestId('cost-tax').textContent(),
    }).toEqual({ subtotal: 'SGD 85.00', discount: `−${money(cost.discounts[0]!.amount)}`, shipping: money(cost.shipping), tax: money(cost.tax) });
    expect(await page.getByTestId('cost').textContent()).toContain(`Shipping to ${elsewhere.code}`);

    // The lamp's price goes up after it was added: the line keeps 30.00 and says so.
    await setPrice(shop.stack, lamp.id, '35.00');
    await page.reload();
    await eventually(() => texts(page, 'price-changed')).toEqual(['Price changed: now SGD 35.00. You pay the price you added it at.']);
    expect(await page.getByTestId('cart-line').filter({ hasText: lamp.name }).getByTestId('line-unit-price').textContent()).toBe('SGD 30.00');

    const path = artifact('cart-page.png');
    await page.screenshot({ path, fullPage: true });
    expect(statSync(path).size).toBeGreaterThan(10_000);
    expect(await texts(page, 'line-name')).toEqual(cart!.lines.map((l) => l.product.name));
    expect(await texts(page, 'line-total')).toEqual(cart!.lines.map((l) => money(l.lineTotal)));
    expectNoPageErrors(page);
  });

  it('a quantity over the stock shows the shop’s words for InsufficientStock and changes nothing', async () => {
    const page = await shop.visit();
    await addFromCatalog(page, mug.name);
    await page.getByTestId('cart-link').click();
    await page.getByLabel(`Quantity of ${mug.name}`).fill('51');
    await page.getByLabel(`Quantity of ${mug.name}`).press('Enter');
    await eventually(() => page.getByTestId('notice').textContent()).toContain('Only 50 left in stock.');
    expect(await page.getByLabel(`Quantity of ${mug.name}`).inputValue()).toBe('1');
    const { cart } = await shop.stack.data(LiveCartDocument, {}, { guest: (await storedIdentity(page)).token });
    expect(cart?.lines.map((l) => l.quantity)).toEqual([1]);
  });
});
