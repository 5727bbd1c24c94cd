/**
 * The event pipeline's throughput, on a fleet of its own that streams to NATS JetStream (every
 * service its own process, as `npm start` runs them; the relays poll every 50 ms):
 *
 *   1. relay: a backlog of cart events in the outbox (written straight into it, as a burst of
 *      commits would leave it) drained to the stream: events/s through the relay; then how fast
 *      the webhook consumer (no endpoint subscribed) reads the same events;
 *   2. end to end: concurrent cart writes through the gateway; how long each event takes from
 *      its commit to a reader of the stream in the bench's process (relay polling included);
 *   3. webhooks: events fanned out to 8 local endpoints: deliveries/s acknowledged.
 *
 * Figures only; it never fails on timing. `npm run bench -- events`.
 */
import { performance } from 'node:perf_hooks';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { signUserToken } from '@platform/auth';
import { readStream, startWebhookReceiver, type StackEvents } from '@platform/e2e/support';
import { createProduct, sql, waitUntil } from '@platform/testing';
import { ADD_LINE, Dataset, parallel, type BenchUser } from '../data.ts';
import { benchNatsUrl, fleetRunning, startFleet, stopFleet } from '../fleet.ts';
import { num } from '../report.ts';
import type { BaseContext, Scenario, ScenarioOutcome } from '../scenario.ts';
import { percentile } from '../stats.ts';

const ENDPOINTS = 8;
const CREATE_WEBHOOK = `mutation ($input: WebhookInput!) { createWebhook(input: $input) { webhook { id } } }`;
const fmt = (n: number) => num(n, 1);

/** Writes `n` valid `cart.line_added` rows over `carts` carts into the cart outbox, as committed changes would. */
async function fillOutbox(databaseUrl: string, n: number, carts: number, tag: string): Promise<void> {
  await sql(
    databaseUrl,
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
async function pendingFor(events: StackEvents, durable: string): Promise<number> {
  const nc = await connect({ servers: events.natsUrl });
  try {
    const info = await (await jetstreamManager(nc)).consumers.info(events.stream, durable);
    return info.num_pending + info.num_ack_pending;
  } finally {
    await nc.close();
  }
}

export const eventsPipeline: Scenario = {
  name: 'events',
  title: 'Events: outbox relay -> NATS JetStream -> consumers and webhooks (a fleet of its own, streaming)',
  main: true,
  ownFleet: true,
  needsFleet: false,
  async run(ctx: BaseContext): Promise<ScenarioOutcome> {
    if (fleetRunning()) throw new Error('events starts a fleet of its own: the shared fleet must be stopped first (bench/index.ts runs it last)');
    const { BENCH_DURATION_MS: durationMs, BENCH_CONCURRENCY: concurrency } = ctx.settings;
    let problem: string | undefined;
    const fleet = await startFleet(ctx.settings, (name, how) => (problem ??= `${name} exited unexpectedly (${how})`), {
      natsUrl: await benchNatsUrl(ctx.settings),
      // Local receivers are private URLs, which production refuses.
      env: { EVENTS_RELAY_INTERVAL_MS: '50', EVENTS_RELAY_BATCH_SIZE: '500', EVENTS_DATABASE_POOL_SIZE: '4', WEBHOOK_CONCURRENCY: '16', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' },
    });
    const notes: string[] = [];
    try {
      const events = fleet.stream!;
      const db = fleet.database.url;
      const data = new Dataset(fleet);
      const unsent = async () => (await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM cart."OutboxEvent" WHERE "streamedAt" IS NULL`))[0]!.n;
      // The consumers exist once the services have subscribed: wait for the webhook one before timing it.
      await waitUntil(() => pendingFor(events, 'webhooks').then(() => true, () => false), 'the webhook consumer to subscribe', 30_000, 100);

      // 1. Relay throughput on a backlog, then the webhook consumer reading it.
      const backlog = Math.max(2_000, Math.min(50_000, Math.round(durationMs * 2)));
      await fillOutbox(db, backlog, 500, 'bench-relay-');
      let t0 = performance.now();
      await waitUntil(async () => (await unsent()) === 0, 'the relay to drain the backlog', Math.max(60_000, durationMs * 6), 20);
      const relaySeconds = (performance.now() - t0) / 1000;
      notes.push(`relay: ${backlog} events over 500 carts drained in ${fmt(relaySeconds)} s = ${fmt(backlog / relaySeconds)} events/s`);
      await waitUntil(async () => (await pendingFor(events, 'webhooks')) === 0, 'the webhook consumer to catch up', 300_000, 100);
      const consumerSeconds = (performance.now() - t0) / 1000;
      notes.push(`webhook consumer (no endpoint subscribed): read the same ${backlog} events in ${fmt(consumerSeconds)} s from the start of the drain = ${fmt(backlog / consumerSeconds)} events/s`);

      // 2. End to end from a cart write's commit to a reader of the stream.
      const product = await createProduct(data.client, { name: 'Bench events item', price: '1.00', stock: 1_000_000, brand: 'Bench' });
      const stream = await readStream(events, 'new');
      const writers = await data.users('bench-events', Math.max(1, Math.min(concurrency, 32)));
      const deadline = performance.now() + Math.min(durationMs, 10_000);
      let writes = 0;
      await parallel(writers, writers.length, async (user: BenchUser) => {
        while (performance.now() < deadline) {
          await data.as(user, ADD_LINE, { input: { productId: product.id, quantity: 1 } });
          writes += 1;
        }
      });
      const arrived = new Map<string, number>();
      await waitUntil(
        () => {
          for (const r of stream.received) {
            const e = r.event;
            // The first add of a product is `cart.line_added`, the later ones raise its quantity.
            if (e && e.type.startsWith('cart.line_') && 'cartVersion' in e.data && e.data.ownerId.startsWith('bench-events-')) {
              const key = `${e.data.ownerId}:${e.data.cartVersion}`;
              // From the commit (the event's occurredAt, this host's clock) to the reader.
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
      const lags = [...arrived.values()].sort((a, b) => a - b);
      notes.push(`end to end: ${writes} cart writes from ${writers.length} clients; committed -> read from the stream p50 ${fmt(percentile(lags, 50))} ms, p95 ${fmt(percentile(lags, 95))} ms, p99 ${fmt(percentile(lags, 99))} ms (relay polls every 50 ms)`);

      // 3. Webhook deliveries to local endpoints.
      const admin = { id: 'bench-events-admin', token: await signUserToken(fleet.jwtSecret, { userId: 'bench-events-admin', role: 'admin', expiresInSeconds: 3_600 }) };
      const receivers = await Promise.all(Array.from({ length: ENDPOINTS }, () => startWebhookReceiver()));
      try {
        for (const r of receivers) await data.as(admin, CREATE_WEBHOOK, { input: { url: r.url, eventTypes: ['cart.line_added'] } });
        const count = Math.max(200, Math.min(2_000, Math.round(durationMs / 10)));
        t0 = performance.now();
        await fillOutbox(db, count, 100, 'bench-hook-');
        const expected = count * ENDPOINTS;
        const acked = () => receivers.reduce((n, r) => n + r.acknowledged().length, 0);
        await waitUntil(() => acked() >= expected, () => `${expected} webhook deliveries (have ${acked()})`, Math.max(120_000, durationMs * 12), 20);
        const hookSeconds = (performance.now() - t0) / 1000;
        notes.push(`webhooks: ${count} events x ${ENDPOINTS} endpoints = ${expected} deliveries in ${fmt(hookSeconds)} s = ${fmt(expected / hookSeconds)} deliveries/s (relay, fan-out and signed HTTP POSTs included)`);
      } finally {
        await Promise.all(receivers.map((r) => r.close()));
      }
      if (problem) throw new Error(problem);
      notes.push('the services each in their own process; the outbox filled by SQL, the cart writes, stream reader and webhook receivers in the bench process');
      return { rows: [], notes, targets: [] };
    } finally {
      await stopFleet();
    }
  },
};
