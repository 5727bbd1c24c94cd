/**
 * Live sync in Chromium: two browser contexts of one user (a desktop window and a phone-sized
 * one) see each other's changes within a second over the platform's subscription; and a tab
 * whose WebSocket dropped shows, once it reconnects, what changed meanwhile.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, LiveCartDocument } from '@platform/client';
import { createProduct, expectType, startTcpProxy, type FixtureProduct, type TcpProxy } from '@platform/testing';
import { answeredAt, artifact, eventually, expectNoPageErrors, signIn, startShop, texts, waitForLiveSync, type Shop } from './support.ts';

let shop: Shop;
let lantern: FixtureProduct;
let compass: FixtureProduct;

beforeAll(async () => {
  shop = await startShop();
  [lantern, compass] = await Promise.all([createProduct(shop.stack, { name: 'Numbat Camping Lantern', price: '22.00', stock: 100 }), createProduct(shop.stack, { name: 'Numbat Brass Compass', price: '18.00', stock: 100 })]);
}, 120_000);
afterAll(() => shop?.stop());

/** Epoch ms at which `page` first showed what `shows` checks, read in the page itself. */
async function shownAt(page: Page, shows: (arg: string) => number | false, arg: string): Promise<number> {
  const handle = await page.waitForFunction(shows, arg, { timeout: 5_000, polling: 10 });
  return (await handle.jsonValue()) as number;
}
const hasLine = (name: string) => [...document.querySelectorAll('[data-testid="line-name"]')].some((e) => e.textContent === name) && Date.now();
const quantityIs = (expected: string) => {
  const [name, quantity] = expected.split('\u0000');
  return (document.querySelector(`input[aria-label="Quantity of ${name}"]`) as HTMLInputElement | null)?.value === quantity && Date.now();
};
const isEmpty = () => document.querySelector('[data-testid="empty-cart"]') !== null && Date.now();

/**
 * Does `act` on one device and measures, in ms, from the moment that device received the answer
 * to `operationName` until `other` shows the change.
 */
async function propagation(acting: Page, operationName: string, act: () => Promise<void>, other: Page, shows: (arg: string) => number | false, arg = ''): Promise<number> {
  const answered = answeredAt(acting, operationName);
  await act();
  const [from, to] = await Promise.all([answered, shownAt(other, shows, arg)]);
  return to - from;
}

describe('two devices of one user', { timeout: 120_000 }, () => {
  it('a desktop window and a phone-sized window see each other’s add, quantity change and removal within 1 s', async () => {
    const desktop = await shop.visit();
    await signIn(desktop, 'twin');
    const phone = await shop.visit({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signIn(phone, 'twin');
    await phone.goto(`${shop.storefront.url}#/cart`);
    await waitForLiveSync(phone);
    await eventually(() => phone.getByTestId('empty-cart').isVisible()).toBe(true);

    // Desktop adds from the catalog: the phone's cart page shows the line.
    await desktop.getByLabel('Search products').fill(lantern.name);
    await desktop.getByRole('button', { name: 'Search' }).click();
    await eventually(() => texts(desktop, 'product-name')).toEqual([lantern.name]);
    const added = await propagation(desktop, 'AddCartLine', () => desktop.getByRole('button', { name: 'Add to cart' }).click(), phone, hasLine, lantern.name);

    // The phone raises the quantity: the desktop's cart page follows.
    await desktop.goto(`${shop.storefront.url}#/cart`);
    await desktop.waitForFunction(hasLine, lantern.name);
    await phone.screenshot({ path: artifact('phone-cart.png'), fullPage: true });
    const raised = await propagation(phone, 'UpdateCartLine', () => phone.getByRole('button', { name: `Increase ${lantern.name}` }).tap(), desktop, quantityIs, `${lantern.name}\u00002`);

    // The desktop removes the line: the phone shows an empty cart.
    const removed = await propagation(desktop, 'RemoveCartLine', () => desktop.getByTestId('cart-line').getByRole('button', { name: 'Remove' }).click(), phone, isEmpty);

    expect({ added: added < 1_000, raised: raised < 1_000, removed: removed < 1_000 }, `ms from one device's answer to the other device showing it: added ${added}, raised ${raised}, removed ${removed}`).toEqual({
      added: true,
      raised: true,
      removed: true,
    });
    expect(await phone.getByTestId('cart-count').textContent()).toBe('0');
    expectNoPageErrors(desktop);
    expectNoPageErrors(phone);
  });
});

describe('reconnect and catch-up', { timeout: 120_000 }, () => {
  let proxy: TcpProxy;
  afterAll(() => proxy?.close());

  it('a tab whose socket dropped shows “Reconnecting…”, then the changes made meanwhile, at the server’s version', async () => {
    // This storefront's pages subscribe through a proxy the test can cut; HTTP goes straight to the gateway.
    proxy = await startTcpProxy({ host: '127.0.0.1', port: shop.stack.gateway.port });
    const storefront = await shop.startStorefront({ STOREFRONT_GATEWAY_WS_URL: proxy.url('ws', '/graphql') });
    const page = await shop.visit({ storefront });
    await signIn(page, 'roamer');
    await page.goto(`${storefront.url}#/cart`);
    await eventually(() => page.getByTestId('empty-cart').isVisible()).toBe(true);

    await proxy.down();
    await eventually(() => page.getByTestId('live-status').textContent(), 10_000).toMatch(/^Reconnecting…/);
    const user = { user: 'demo-roamer' };
    expectType((await shop.stack.data(AddCartLineDocument, { input: { productId: compass.id, quantity: 2 } }, user)).addCartLine, 'Cart');
    expectType((await shop.stack.data(AddCartLineDocument, { input: { productId: lantern.id, quantity: 1 } }, user)).addCartLine, 'Cart');
    expect(await page.getByTestId('empty-cart').isVisible()).toBe(true); // nothing reached the tab

    await proxy.up();
    await eventually(() => texts(page, 'line-name'), 15_000).toEqual([compass.name, lantern.name]);
    const { cart } = await shop.stack.data(LiveCartDocument, {}, user);
    await eventually(() => page.getByTestId('live-status').textContent()).toBe(`Live · v${cart!.version}`);
    expect(await page.getByLabel(`Quantity of ${compass.name}`).inputValue()).toBe('2');
    expectNoPageErrors(page);
  });
});
