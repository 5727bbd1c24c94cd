/**
 * Managing webhooks as an admin: register (the secret is shown once, refused URLs and types are
 * BAD_USER_INPUT and store nothing), list, pause and resume, rotate the secret, redeliver, delete;
 * and what the platform does to an endpoint that keeps failing (with the order subgraph's clock
 * moved past the 24-hour retry window).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook as Verifier } from 'standardwebhooks';
import {
  AddCartLineDocument,
  CreateWebhookDocument,
  DeleteWebhookDocument,
  RedeliverWebhookDocument,
  RotateWebhookSecretDocument,
  SetWebhookStatusDocument,
  WebhookDeliveriesDocument,
  WebhooksDocument,
} from '@platform/client';
import { startStack, startWebhookReceiver, type TestStack, type WebhookReceiver } from '@platform/e2e/support';
import { createProduct, sql, waitUntil, type FixtureProduct } from '@platform/testing';

const ADMIN = { user: 'hooks-admin', role: 'admin' } as const;

let stack: TestStack;
let product: FixtureProduct;
let orderNow: Date | null = null;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  stack = await startStack({ orderNow: () => orderNow ?? new Date(), env: { WEBHOOK_BACKOFF_BASE_MS: '200', WEBHOOK_DISABLE_AFTER_FAILURES: '2' } });
  product = await createProduct(stack, { price: '5.00', stock: 500 });
});
afterAll(async () => {
  for (const r of receivers) await r.close();
  await stack?.stop();
});

async function receiver(answer?: Parameters<typeof startWebhookReceiver>[0]) {
  const r = await startWebhookReceiver(answer);
  receivers.push(r);
  return r;
}

const create = (url: string, eventTypes = ['cart.line_added', 'cart.line_updated']) => stack.request(CreateWebhookDocument, { input: { url, eventTypes } }, ADMIN);
const addLine = (user: string) => stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, { user });
const webhookCount = async () => (await sql<{ n: number }>(stack.db.url, 'SELECT count(*)::int AS n FROM orders."Webhook"'))[0]!.n;
const headersOf = (r: WebhookReceiver['requests'][number]) => ({ 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) });

describe('registering a webhook', () => {
  it('refuses a bad URL or unknown event types with BAD_USER_INPUT naming the field, and stores nothing', async () => {
    const before = await webhookCount();
    const cases = await Promise.all([
      create('ftp://example.com/hook'),
      create('not a url'),
      create('https://user:pass@example.com/hook'),
      create('https://example.com/hook', []),
      create('https://example.com/hook', ['cart.line_added', 'cart.exploded']),
    ]);
    expect(cases.map((r) => [r.errors?.[0]?.extensions?.code, r.errors?.[0]?.extensions?.field])).toEqual([
      ['BAD_USER_INPUT', 'url'],
      ['BAD_USER_INPUT', 'url'],
      ['BAD_USER_INPUT', 'url'],
      ['BAD_USER_INPUT', 'eventTypes'],
      ['BAD_USER_INPUT', 'eventTypes'],
    ]);
    expect(await webhookCount()).toBe(before);
  });

  it('is for admins only: a customer gets FORBIDDEN, an anonymous caller UNAUTHENTICATED', async () => {
    const asCustomer = await stack.request(CreateWebhookDocument, { input: { url: 'https://example.com/h', eventTypes: ['order.paid'] } }, { user: 'not-admin' });
    const anonymous = await stack.request(WebhooksDocument, {}, { anonymous: true });
    expect([asCustomer.errors?.[0]?.extensions?.code, anonymous.errors?.[0]?.extensions?.code]).toEqual(['FORBIDDEN', 'UNAUTHENTICATED']);
  });

  it('returns the secret once; the list shows the endpoint without it', async () => {
    const r = await receiver();
    const { data } = await create(r.url, ['order.paid', 'order.paid']);
    const { webhooks } = await stack.data(WebhooksDocument, {}, ADMIN);
    const listed = webhooks.find((w) => w.id === data!.createWebhook.webhook.id);
    expect(listed).toMatchObject({ url: r.url, eventTypes: ['order.paid'], status: 'ACTIVE', consecutiveFailures: 0 });
    expect(JSON.stringify(webhooks)).not.toContain(data!.createWebhook.secret);
    await stack.data(DeleteWebhookDocument, { id: listed!.id }, ADMIN);
  });
});

describe('operating a webhook', () => {
  it('paused, it queues deliveries and sends none; resumed, it sends them in order', async () => {
    const r = await receiver();
    const { data } = await create(r.url);
    const id = data!.createWebhook.webhook.id;
    await stack.data(SetWebhookStatusDocument, { id, status: 'PAUSED' }, ADMIN);
    for (let i = 0; i < 3; i++) await addLine('paused-shopper');
    const pending = () => stack.data(WebhookDeliveriesDocument, { webhookId: id, status: 'PENDING' }, ADMIN).then((d) => d.webhookDeliveries);
    await waitUntil(async () => (await pending()).length === 3, 'three queued deliveries');
    await stack.subgraphs.order.dispatchWebhooks();
    expect(r.requests.length).toBe(0);

    const resumed = await stack.data(SetWebhookStatusDocument, { id, status: 'ACTIVE' }, ADMIN);
    expect(resumed.setWebhookStatus.status).toBe('ACTIVE');
    await waitUntil(() => r.acknowledged().length === 3, 'the three deliveries after resuming');
    const queued = (await stack.data(WebhookDeliveriesDocument, { webhookId: id }, ADMIN)).webhookDeliveries.map((d) => d.eventId).reverse();
    expect(r.acknowledged()).toEqual(queued);
    await stack.data(DeleteWebhookDocument, { id }, ADMIN);
  });

  it('setting DISABLED by hand is refused with BAD_USER_INPUT on status', async () => {
    const { data } = await create('https://example.com/h');
    const result = await stack.request(SetWebhookStatusDocument, { id: data!.createWebhook.webhook.id, status: 'DISABLED' }, ADMIN);
    expect([result.errors?.[0]?.extensions?.code, result.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'status']);
    await stack.data(DeleteWebhookDocument, { id: data!.createWebhook.webhook.id }, ADMIN);
  });

  it('after a secret rotation, deliveries verify with the new secret and, for the grace period, the old one', async () => {
    const r = await receiver();
    const { data } = await create(r.url);
    const id = data!.createWebhook.webhook.id;
    const oldSecret = data!.createWebhook.secret;
    const { rotateWebhookSecret } = await stack.data(RotateWebhookSecretDocument, { id }, ADMIN);
    expect(rotateWebhookSecret.secret).not.toBe(oldSecret);
    await addLine('rotating-shopper');
    await waitUntil(() => r.acknowledged().length === 1, 'a delivery after the rotation');
    const request = r.requests[0]!;
    expect([new Verifier(rotateWebhookSecret.secret).verify(request.body, headersOf(request)), new Verifier(oldSecret).verify(request.body, headersOf(request))].map((p) => (p as { id: string }).id)).toEqual([
      headersOf(request)['webhook-id'],
      headersOf(request)['webhook-id'],
    ]);
    await stack.data(DeleteWebhookDocument, { id }, ADMIN);
  });

  it('redelivers a delivered event on request, with the same webhook-id', async () => {
    const r = await receiver();
    const { data } = await create(r.url);
    const id = data!.createWebhook.webhook.id;
    await addLine('redelivery-shopper');
    const latest = async () => (await stack.data(WebhookDeliveriesDocument, { webhookId: id }, ADMIN)).webhookDeliveries[0];
    await waitUntil(async () => (await latest())?.status === 'DELIVERED', 'the first delivery');
    const delivery = await latest();
    const { redeliverWebhook } = await stack.data(RedeliverWebhookDocument, { deliveryId: delivery!.id }, ADMIN);
    expect(redeliverWebhook.status).toBe('PENDING');
    await waitUntil(async () => (await latest())?.attempts === 2, 'the redelivery');
    expect(r.acknowledged()).toEqual([delivery!.eventId, delivery!.eventId]);
    const after = await latest();
    expect([after!.status, after!.attempts]).toEqual(['DELIVERED', 2]);
    await stack.data(DeleteWebhookDocument, { id }, ADMIN);
  });

  it('deleted, it is gone with its deliveries; deleting again answers false', async () => {
    const { data } = await create('https://example.com/gone');
    const id = data!.createWebhook.webhook.id;
    expect((await stack.data(DeleteWebhookDocument, { id }, ADMIN)).deleteWebhook).toBe(true);
    expect((await stack.data(DeleteWebhookDocument, { id }, ADMIN)).deleteWebhook).toBe(false);
    const deliveries = await stack.request(WebhookDeliveriesDocument, { webhookId: id }, ADMIN);
    expect(deliveries.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('an endpoint that keeps failing: each delivery FAILED after the 24-hour window with its last status, then the endpoint DISABLED', async () => {
    const r = await receiver(() => ({ status: 503 }));
    const { data } = await create(r.url);
    const id = data!.createWebhook.webhook.id;
    await addLine('failing-shopper');
    await addLine('failing-shopper');
    const deliveries = () => stack.data(WebhookDeliveriesDocument, { webhookId: id }, ADMIN).then((d) => d.webhookDeliveries);
    await waitUntil(async () => (await deliveries()).length === 2 && r.requests.length >= 1, 'two deliveries, the first tried');
    // Still within the window: retried, never failed, the second one waiting behind the first.
    expect((await deliveries()).map((d) => d.status)).toEqual(['PENDING', 'PENDING']);

    orderNow = new Date(Date.now() + 25 * 3_600_000);
    await waitUntil(async () => (await deliveries()).every((d) => d.status === 'FAILED'), 'both deliveries to fail for good', 10_000);
    expect((await deliveries()).map((d) => [d.status, d.lastStatusCode, d.nextAttemptAt])).toEqual([
      ['FAILED', 503, null],
      ['FAILED', 503, null],
    ]);
    const { webhooks } = await stack.data(WebhooksDocument, {}, ADMIN);
    expect(webhooks.find((w) => w.id === id)).toMatchObject({ status: 'DISABLED', consecutiveFailures: 2 });

    // Disabled, it gets no new deliveries; set ACTIVE again, it does.
    await addLine('failing-shopper');
    await stack.subgraphs.order.dispatchWebhooks();
    const tried = r.requests.length;
    orderNow = null;
    const resumed = await stack.data(SetWebhookStatusDocument, { id, status: 'ACTIVE' }, ADMIN);
    expect([resumed.setWebhookStatus.status, resumed.setWebhookStatus.consecutiveFailures, r.requests.length]).toEqual(['ACTIVE', 0, tried]);
    await stack.data(DeleteWebhookDocument, { id }, ADMIN);
  });
});
