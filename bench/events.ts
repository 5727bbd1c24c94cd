/**
 * `npm run bench -- events`: throughput of the event pipeline on one machine.
 *
 *   1. relay: a backlog of cart events in the outbox (written straight into it, as a burst of
 *      commits would leave it) drained to JetStream: events/s through the relay.
 *   2. end to end: concurrent cart writes through the gateway; how long each event takes from
 *      the write's answer to the stream (relay polling included).
 *   3. webhooks: events fanned out to several local endpoints: deliveries/s acknowledged.
 *
 * Figures only; it never fails on timing.
 */
import { performance } from 'node:perf_hooks';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { AddCartLineDocument, CreateWebhookDocument } from '@platform/client';
import { readStream, startStack, startWebhookReceiver, type TestStack } from '@platform/e2e/support';
import { createProduct, sql, waitUntil } from '@platform/testing';
import { num } from './report.ts';
import { percentile as pct } from './stats.ts';

const ADMIN = { user: 'bench-admin', role: 'admin' } as const;
const fmt = (n: number) => num(n, 1);

/** Writes `n` valid `cart.line_added` rows over `carts` carts into the cart outbox, as committed changes would. */
async function fillOutbox(stack: TestStack, n: number, carts: number, tag: string): Promise<void> {
  await sql(
    stack.db.url,
    `INSERT INTO cart."OutboxEvent" ("type", "key", "data", "occurredAt")
     SELECT 'cart.line_added', k.cart::text,
            jsonb_build_object('cartId', k.cart, 'cartVersion', g / $2 + 1, 'ownerType', 'USER', 'ownerId', $3 || (g % $2),
                               'lineId', gen_random_uuid(), 'productId', gen_random_uuid(), 'quantity', 1),
            now()
     FROM generate_series(0, $1 - 1) AS g, LATERAL (SELECT md5($3 || (g % $2))::uuid AS cart) AS k
     ORDER BY g`,
    [n, carts, tag],
  );
}

/** Messages a durable consumer has not acknowledged yet. */
async function pendingFor(stack: TestStack, durable: string): Promise<number> {
  const nc = await connect({ servers: stack.events.natsUrl });
  try {
    const info = await (await jetstreamManager(nc)).consumers.info(stack.events.stream, durable);
    return info.num_pending + info.num_ack_pending;
  } finally {
    await nc.close();
  }
}

const unsent = async (stack: TestStack) => (await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM cart."OutboxEvent" WHERE "streamedAt" IS NULL`))[0]!.n;

export async function runEventsBench(options: { durationMs: number; concurrency: number }): Promise<void> {
  console.log('\n## events (outbox relay -> NATS JetStream -> webhooks)');
  const stack = await startStack({ env: { EVENTS_RELAY_BATCH_SIZE: '500', EVENTS_RELAY_INTERVAL_MS: '50', EVENTS_DATABASE_POOL_SIZE: '4', WEBHOOK_CONCURRENCY: '16', LOG_LEVEL: 'warn' } });
  try {
    // 1. Relay throughput on a backlog.
    const backlog = Math.max(2_000, Math.min(50_000, Math.round(options.durationMs * 2)));
    await fillOutbox(stack, backlog, 500, 'bench-relay-');
    let t0 = performance.now();
    await waitUntil(async () => (await unsent(stack)) === 0, 'the relay to drain the backlog', Math.max(60_000, options.durationMs * 6), 20);
    const relaySeconds = (performance.now() - t0) / 1000;
    console.log(`relay: ${backlog} events over 500 carts drained in ${relaySeconds.toFixed(2)} s = ${fmt(backlog / relaySeconds)} events/s`);
    // The webhook consumer reads every event; let it finish the backlog so the next figures measure only themselves.
    await waitUntil(async () => (await pendingFor(stack, 'webhooks')) === 0, 'the webhook consumer to catch up', 300_000, 100);
    const consumerSeconds = (performance.now() - t0) / 1000;
    console.log(`webhook consumer (no endpoint subscribed): read the same ${backlog} events in ${consumerSeconds.toFixed(2)} s = ${fmt(backlog / consumerSeconds)} events/s`);

    // 2. End to end from a cart write's answer to the stream.
    const product = await createProduct(stack, { price: '1.00', stock: 1_000_000 });
    const stream = await readStream(stack.events, 'new');
    const answered = new Map<string, number>();
    const writers = Math.max(1, Math.min(options.concurrency, 32));
    const deadline = performance.now() + Math.min(options.durationMs, 10_000);
    let writes = 0;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; performance.now() < deadline; i++) {
          const user = `bench-e2e-${w}`;
          await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, { user });
          answered.set(`${user}:${i + 1}`, Date.now());
          writes += 1;
        }
      }),
    );
    const arrived = new Map<string, number>();
    await waitUntil(
      () => {
        for (const r of stream.received) {
          const e = r.event;
          if (e && e.type.startsWith('cart.line_') && 'cartVersion' in e.data && e.data.ownerId.startsWith('bench-e2e-')) {
            const key = `${e.data.ownerId}:${e.data.cartVersion}`;
            // From the commit (the event's occurredAt, same clock) to the reader.
            if (!arrived.has(key)) arrived.set(key, r.receivedAt - Date.parse(e.occurredAt));
          }
        }
        return arrived.size >= writes;
      },
      'every write on the stream',
      30_000,
      10,
    );
    await stream.close();
    // Arrival is when the reader (a consumer in this process) got the message.
    const lags = [...answered.keys()].map((key) => arrived.get(key) ?? Number.NaN).sort((a, b) => a - b);
    console.log(`end to end: ${writes} cart writes from ${writers} clients; change committed -> read from the stream p50 ${fmt(pct(lags, 50))} ms, p95 ${fmt(pct(lags, 95))} ms, p99 ${fmt(pct(lags, 99))} ms (relay polls every 50 ms; the reader is one more consumer in the same busy process)`);

    // 3. Webhook deliveries to local endpoints.
    const endpoints = Math.max(1, Math.min(8, options.concurrency));
    const receivers = await Promise.all(Array.from({ length: endpoints }, () => startWebhookReceiver()));
    for (const r of receivers) await stack.data(CreateWebhookDocument, { input: { url: r.url, eventTypes: ['cart.line_added'] } }, ADMIN);
    const events = Math.max(200, Math.min(2_000, Math.round(options.durationMs / 10)));
    t0 = performance.now();
    await fillOutbox(stack, events, 100, 'bench-hook-');
    const expected = events * endpoints;
    const acked = () => receivers.reduce((n, r) => n + r.acknowledged().length, 0);
    await waitUntil(() => acked() >= expected, () => `${expected} webhook deliveries (have ${acked()})`, Math.max(120_000, options.durationMs * 12), 20);
    const hookSeconds = (performance.now() - t0) / 1000;
    console.log(`webhooks: ${events} events x ${endpoints} endpoints = ${expected} deliveries in ${hookSeconds.toFixed(2)} s = ${fmt(expected / hookSeconds)} deliveries/s (relay, fan-out and signed HTTP POSTs included)`);
    await Promise.all(receivers.map((r) => r.close()));
  } finally {
    await stack.stop();
  }
}
