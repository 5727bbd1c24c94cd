/**
 * Partner webhooks against real HTTP endpoints: deliveries follow the Standard Webhooks
 * specification (the `standardwebhooks` verifier accepts them), arrive at least once and in
 * order per endpoint, are retried with backoff, and one endpoint's failures or slowness delay
 * neither another endpoint nor any request.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Webhook as Verifier } from 'standardwebhooks';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { AddCartLineDocument, CreateWebhookDocument, DeleteWebhookDocument, WebhookDeliveriesDocument } from '@platform/client';
import { parseEnvelope } from '@platform/events';
import { readStream, schemaErrors, startStack, startWebhookReceiver, type StreamReader, type TestStack, type WebhookReceiver } from '@platform/e2e/support';
import { createProduct, waitUntil, type FixtureProduct } from '@platform/testing';

const ADMIN = { user: 'webhook-admin', role: 'admin' } as const;

let stack: TestStack;
let stream: StreamReader;
let product: FixtureProduct;
const receivers: WebhookReceiver[] = [];
const webhookIds: string[] = [];

beforeAll(async () => {
  stack = await startStack({ env: { WEBHOOK_BACKOFF_BASE_MS: '400', WEBHOOK_TIMEOUT_MS: '5000' } });
  stream = await readStream(stack.events);
  product = await createProduct(stack, { price: '9.90', stock: 500 });
});
afterEach(async () => {
  // Each test's endpoints go, so later tests' events do not queue for them.
  for (const id of webhookIds.splice(0)) await stack.data(DeleteWebhookDocument, { id }, ADMIN);
  for (const r of receivers.splice(0)) await r.close();
});
afterAll(async () => {
  await stream?.close();
  await stack?.stop();
});

async function endpoint(answer?: Parameters<typeof startWebhookReceiver>[0], eventTypes = ['cart.line_added', 'cart.line_updated']) {
  const receiver = await startWebhookReceiver(answer);
  receivers.push(receiver);
  const { createWebhook } = await stack.data(CreateWebhookDocument, { input: { url: receiver.url, eventTypes } }, ADMIN);
  webhookIds.push(createWebhook.webhook.id);
  return { receiver, webhook: createWebhook.webhook, secret: createWebhook.secret };
}

const addLine = (user: string) => stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, { user });

/** The ids of `user`'s cart events on the stream, in stream order. */
const streamIdsOf = (user: string) => stream.events().flatMap((e) => (e.type.startsWith('cart.') && 'ownerId' in e.data && e.data.ownerId === user ? [e.id] : []));

describe('webhook deliveries', () => {
  it('are signed the Standard Webhooks way: the standardwebhooks verifier accepts them and returns the stream envelope', async () => {
    const { receiver, secret } = await endpoint();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    await addLine('signed-shopper');
    await waitUntil(() => receiver.acknowledged().length === 1, 'one delivery');
    const [request] = receiver.requests;
    const headers = { 'webhook-id': String(request!.headers['webhook-id']), 'webhook-timestamp': String(request!.headers['webhook-timestamp']), 'webhook-signature': String(request!.headers['webhook-signature']) };
    const payload = new Verifier(secret).verify(request!.body, headers);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(schemaErrors(payload)).toEqual([]);
    const envelope = parseEnvelope(request!.body);
    expect([envelope?.type, envelope?.id]).toEqual(['cart.line_added', headers['webhook-id']]);
    expect(streamIdsOf('signed-shopper')).toEqual([headers['webhook-id']]);
    // Another secret does not verify it.
    expect(() => new Verifier(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(request!.body, headers)).toThrow();
  });

  it('an endpoint that fails three times then recovers gets every event acknowledged once, in order; a healthy one meanwhile is not delayed', async () => {
    const flaky = await endpoint((n) => ({ status: n < 3 ? 500 : 200 }));
    const healthy = await endpoint();
    const user = 'flaky-shopper';
    for (let i = 0; i < 5; i++) await addLine(user);
    await stream.waitFor(() => streamIdsOf(user).length === 5, 'five events on the stream');
    const order = streamIdsOf(user);

    await waitUntil(() => healthy.receiver.acknowledged().length === 5 && flaky.receiver.acknowledged().length === 5, () => `both endpoints to acknowledge 5 (healthy ${healthy.receiver.acknowledged().length}, flaky ${flaky.receiver.acknowledged().length})`, 20_000);
    expect(flaky.receiver.acknowledged()).toEqual(order);
    expect(healthy.receiver.acknowledged()).toEqual(order);
    // The first event was tried four times (three 500s); nothing after it went out before it was acknowledged.
    expect(flaky.receiver.requests.map((r) => [r.headers['webhook-id'], r.status])).toEqual([
      [order[0], 500],
      [order[0], 500],
      [order[0], 500],
      ...order.map((id) => [id, 200]),
    ]);
    // The healthy endpoint had everything before the flaky one's first success.
    const firstSuccess = flaky.receiver.requests.find((r) => r.status === 200)!.at;
    expect(healthy.receiver.requests.filter((r) => r.at > firstSuccess).map((r) => r.headers['webhook-id'])).toEqual([]);
    // Backoff: the retries were spread out (400 ms base, doubling, jittered), not hammered.
    const attempts = flaky.receiver.requests.slice(0, 4).map((r) => r.at);
    expect(attempts.slice(1).map((at, i) => at - attempts[i]! >= 150)).toEqual([true, true, true]);

    const deliveries = async () => (await stack.data(WebhookDeliveriesDocument, { webhookId: flaky.webhook.id }, ADMIN)).webhookDeliveries.map((d) => [d.eventId, d.status, d.attempts, d.lastStatusCode]);
    // The last outcome is recorded just after the endpoint answered.
    await expect.poll(deliveries).toEqual(
      [...order].reverse().map((id, i) => [id, 'DELIVERED', i === order.length - 1 ? 4 : 1, 200]),
    );
  });

  it('a slow endpoint delays neither another endpoint nor the requests that cause events', async () => {
    const slow = await endpoint(() => ({ status: 200, delayMs: 4_000 }));
    const fast = await endpoint();
    const user = 'slow-shopper';
    for (let i = 0; i < 3; i++) await addLine(user);
    const answered = Date.now();
    await waitUntil(() => fast.receiver.acknowledged().length === 3, 'the fast endpoint to get all three', 10_000);
    await waitUntil(() => slow.receiver.acknowledged().length === 3, 'the slow endpoint to get all three', 30_000);
    const slowFirst = slow.receiver.requests[0]!;
    // The writes were answered, and the fast endpoint had all three, before the slow one answered its first delivery.
    expect({ writesAnswered: answered < slowFirst.answeredAt, fastDone: fast.receiver.requests[2]!.answeredAt < slowFirst.answeredAt }).toEqual({ writesAnswered: true, fastDone: true });
    expect(slow.receiver.acknowledged()).toEqual(fast.receiver.acknowledged());
  });

  it('an endpoint gets only the event types it asked for', async () => {
    const orders = await endpoint(undefined, ['order.paid']);
    const carts = await endpoint(undefined, ['cart.line_added']);
    await addLine('typed-shopper'); // cart.line_added
    await addLine('typed-shopper'); // cart.line_updated: nobody asked for it
    await addLine('typed-other'); // cart.line_added
    // The consumer takes events in stream order, so once the last one is delivered the one between was handled too.
    await waitUntil(() => carts.receiver.acknowledged().length === 2, 'both cart.line_added deliveries');
    await stack.subgraphs.order.dispatchWebhooks();
    expect([orders.receiver.requests.length, carts.receiver.requests.map((r) => parseEnvelope(r.body)?.type)]).toEqual([0, ['cart.line_added', 'cart.line_added']]);
  });

  it('an event the stream delivers again (a replay past the duplicate window) is not delivered twice', async () => {
    const { receiver } = await endpoint();
    await addLine('replay-shopper');
    await waitUntil(() => receiver.acknowledged().length === 1, 'the first delivery');
    const [first] = receiver.requests;
    // The same envelope again, under another message id, as a replay from an old backup would be.
    const nc = await connect({ servers: stack.events.natsUrl });
    await jetstream(nc).publish(`${stack.events.prefix}.cart.line_added`, first!.body, { msgID: `replay-${first!.headers['webhook-id']}` });
    await nc.close();
    await addLine('replay-other'); // handled after the replay (the consumer keeps stream order)
    await waitUntil(() => receiver.acknowledged().length === 2, 'the delivery of the next event');
    await stack.subgraphs.order.dispatchWebhooks();
    expect(receiver.acknowledged().filter((id) => id === first!.headers['webhook-id']).length).toBe(1);
  });
});
