/**
 * Abandoned-cart reminders with an injected clock and a real SMTP server in the test: one email
 * after 72 idle hours (the cart's lines with names and current prices, and a link to the
 * storefront's cart), none for a cart that changed, none twice, none after an opt-out, none to
 * guests or to users whose token had no email claim.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartRemindersDocument, SetCartRemindersDocument } from '@platform/client';
import { randomUUID } from 'node:crypto';
import { envelope, type EventEnvelope } from '@platform/events';
import { readStream, startSmtpSink, startStack, type SmtpSink, type StreamReader, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, setPrice, waitUntil, type FixtureProduct } from '@platform/testing';

const HOUR = 3_600_000;
let stack: TestStack;
let smtp: SmtpSink;
let stream: StreamReader;
let kettle: FixtureProduct;
let teapot: FixtureProduct;
let now = new Date();
const advance = (hours: number) => (now = new Date(now.getTime() + hours * HOUR));

beforeAll(async () => {
  smtp = await startSmtpSink();
  stack = await startStack({
    now: () => now,
    env: { CART_NOTIFIER: 'smtp', SMTP_URL: smtp.url, REMINDER_FROM: 'Shop <shop@example.com>', STOREFRONT_URL: 'https://shop.example.com/sg', CART_ABANDONED_SCAN_INTERVAL_MS: '0' },
  });
  stream = await readStream(stack.events);
  kettle = await createProduct(stack, { name: 'Copper Kettle', price: '59.00' });
  teapot = await createProduct(stack, { name: 'Jade Teapot', price: '24.50' });
});
afterAll(async () => {
  await stream?.close();
  await stack?.stop();
  await smtp?.close();
});

const add = (as: Parameters<TestStack['data']>[2], product: FixtureProduct, quantity = 1) => stack.data(AddCartLineDocument, { input: { productId: product.id, quantity } }, as);
const mailsTo = (address: string) => smtp.messages.filter((m) => m.to && !Array.isArray(m.to) && m.to.value.some((v) => v.address === address));

/** How the reminder consumer disposed of `cart.abandoned` events, from the cart subgraph's metrics. */
async function outcomes(): Promise<Record<string, number>> {
  const metric = await stack.subgraphs.cart.metrics.registry.getSingleMetric('cart_reminders_total')?.get();
  return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels.outcome), v.value]));
}

/** Waits until the consumer has handled `n` more events than `before`. */
async function handled(before: Record<string, number>, n: number): Promise<Record<string, number>> {
  const total = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  await waitUntil(async () => total(await outcomes()) >= total(before) + n, () => `the reminder consumer to handle ${n} event(s)`, 10_000);
  const after = await outcomes();
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));
}

const abandonedOf = (ownerId: string) => stream.events().filter((e): e is Extract<EventEnvelope, { type: 'cart.abandoned' }> => e.type === 'cart.abandoned' && e.data.ownerId === ownerId);

describe('abandoned-cart reminders', () => {
  it('after 72 idle hours a user gets one email with the lines, their names and current prices, and a link to the cart', async () => {
    const ana = { user: 'ana', email: 'ana@example.com' } as const;
    await add(ana, kettle, 2);
    await add(ana, teapot);
    await setPrice(stack, teapot.id, '22.00'); // the email shows today's price, not the captured one
    advance(71);
    expect(await stack.subgraphs.cart.scanAbandoned()).toBe(0);
    advance(2);
    const before = await outcomes();
    expect(await stack.subgraphs.cart.scanAbandoned()).toBe(1);
    expect(await handled(before, 1)).toEqual({ sent: 1 });

    await waitUntil(() => mailsTo(ana.email).length === 1, 'the reminder email');
    const [mail] = mailsTo(ana.email);
    expect(mail!.from?.value).toEqual([{ name: 'Shop', address: 'shop@example.com' }]);
    expect(mail!.subject).toBe('2 items are still in your cart');
    const text = mail!.text ?? '';
    expect(text.split('\n').filter((l) => l.startsWith('- '))).toEqual(['- Copper Kettle x 2: SGD 59.00 each', '- Jade Teapot x 1: SGD 22.00 each']);
    expect(text).toContain("Total at today's prices: SGD 140.00");
    expect(text).toContain('https://shop.example.com/sg/cart');
    expect(mail!.html).toContain('href="https://shop.example.com/sg/cart"');
    // The event partners see names the cart, never the address.
    const [event] = abandonedOf('ana');
    expect([event?.data.lineCount, event?.data.totalQuantity, JSON.stringify(event).includes(ana.email)]).toEqual([2, 3, false]);
  });

  it('sends nothing twice: a later scan reports nothing new, and a redelivered event is recognised', async () => {
    advance(1);
    expect(await stack.subgraphs.cart.scanAbandoned()).toBe(0);
    const [event] = abandonedOf('ana');
    const cart = stack.subgraphs.cart;
    expect(await cart.services.reminders.handle(cart.context(), event!)).toBe('already_sent');
    expect(mailsTo('ana@example.com').length).toBe(1);
  });

  it('a cart that changed is not reminded about its old idle period; its new idle period counts afresh', async () => {
    const ben = { user: 'ben', email: 'ben@example.com' } as const;
    await add(ben, kettle);
    advance(50);
    await add(ben, teapot); // back within three days: a new idle period
    advance(23);
    expect(await stack.subgraphs.cart.scanAbandoned()).toBe(0);
    advance(50);
    const before = await outcomes();
    expect(await stack.subgraphs.cart.scanAbandoned()).toBe(1);
    expect(await handled(before, 1)).toEqual({ sent: 1 });
    expect(abandonedOf('ben').map((e) => e.data.cartVersion)).toEqual([2]);
  });

  it('a reported cart that changes before its reminder goes out gets none for that period', async () => {
    const cleo = { user: 'cleo', email: 'cleo@example.com' } as const;
    const { addCartLine } = await add(cleo, kettle);
    const cartId = expectType(addCartLine, 'Cart').id;
    // The report of version 1, as the consumer would receive it late...
    const late = envelope('cart.abandoned', randomUUID(), now, { cartId, cartVersion: 1, ownerType: 'USER', ownerId: 'cleo', idleSince: now.toISOString(), lineCount: 1, totalQuantity: 1 });
    await add(cleo, teapot); // ...after the shopper came back.
    const cart = stack.subgraphs.cart;
    expect(await cart.services.reminders.handle(cart.context(), late)).toBe('changed');
    expect(mailsTo(cleo.email)).toEqual([]);
    // Her new idle period is reported and reminded in its own time.
    advance(73);
    const before = await outcomes();
    expect(await cart.scanAbandoned()).toBe(1);
    expect(await handled(before, 1)).toEqual({ sent: 1 });
    expect(abandonedOf('cleo').map((e) => e.data.cartVersion)).toEqual([2]);
  });

  it('after an opt-out there is no reminder; the setting reads back, and turning it on again works', async () => {
    const dara = { user: 'dara', email: 'dara@example.com' } as const;
    expect((await stack.data(CartRemindersDocument, {}, dara)).cartReminders).toBe(true);
    expect((await stack.data(SetCartRemindersDocument, { enabled: false }, dara)).setCartReminders).toBe(false);
    expect((await stack.data(CartRemindersDocument, {}, dara)).cartReminders).toBe(false);
    await add(dara, teapot);
    advance(73);
    const before = await outcomes();
    expect(await stack.subgraphs.cart.scanAbandoned()).toBe(1);
    expect(await handled(before, 1)).toEqual({ opted_out: 1 });
    expect(mailsTo(dara.email)).toEqual([]);
    expect((await stack.data(SetCartRemindersDocument, { enabled: true }, dara)).setCartReminders).toBe(true);
  });

  it('guests never get one, nor does a user whose token has no email claim', async () => {
    const guest = await stack.guestToken();
    await add({ guest }, kettle);
    await add({ user: 'no-email-user' }, kettle);
    advance(73);
    const before = await outcomes();
    expect(await stack.subgraphs.cart.scanAbandoned()).toBe(2);
    expect(await handled(before, 2)).toEqual({ guest: 1, no_email: 1 });
    expect(smtp.messages.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '')).sort()).toEqual(['ana@example.com', 'ben@example.com', 'cleo@example.com']);
  });

  it('choosing reminders needs a signed-in user: a guest gets UNAUTHENTICATED', async () => {
    const guest = await stack.guestToken();
    const result = await stack.request(SetCartRemindersDocument, { enabled: false }, { guest });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
