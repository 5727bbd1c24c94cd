/**
 * A durable consumer with a batch handler on a real JetStream stream: what arrives while a batch
 * is being handled becomes the next batch (in stream order, each event once), and a batch that
 * fails is handled event by event, so only the bad event is retried and the others are acked.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, type EventEnvelope } from '@platform/events';
import { createLogger } from '@platform/logger';
import { openEventStream, runConsumer, type EventStream, type RunningConsumer } from '@platform/server/stream';
import { waitUntil } from '@platform/testing';
import { deleteStream, TEST_NATS_URL, type StackEvents } from '@platform/e2e/support';

const tag = randomBytes(4).toString('hex');
const events: StackEvents = { natsUrl: TEST_NATS_URL, stream: `T_batch_${tag}`, prefix: `t.batch.${tag}` };
const logger = createLogger('consumer-batches', { level: 'silent' });
let stream: EventStream;
const running: RunningConsumer[] = [];

beforeAll(async () => {
  stream = openEventStream('consumer-batches', {
    NATS_URL: events.natsUrl,
    EVENTS_STREAM: events.stream,
    EVENTS_SUBJECT_PREFIX: events.prefix,
    EVENTS_MAX_AGE_HOURS: 1,
    EVENTS_REPLICAS: 1,
    EVENTS_DUPLICATE_WINDOW_SECONDS: 600,
    EVENTS_PUBLISH_TIMEOUT_MS: 5_000,
  }, logger).start();
  await stream.whenAvailable();
});

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
  await stream?.close();
  await deleteStream(events).catch(() => undefined);
});

const cartId = randomUUID();
const slowly = () => new Promise((resolve) => setTimeout(resolve, 25));
const added = (n: number): EventEnvelope =>
  envelope('cart.line_added', randomUUID(), new Date(), { cartId, cartVersion: n, ownerType: 'USER', ownerId: 'batcher', lineId: randomUUID(), productId: randomUUID(), quantity: 1 });

describe('a consumer with a batch handler', () => {
  it('hands over what arrived meanwhile as one batch, in stream order, each event once; a failed batch goes event by event and only the bad one is retried', async () => {
    const published = Array.from({ length: 300 }, (_, i) => added(i + 1));
    const poison = published[150]!;
    const batches: number[] = [];
    const handled: string[] = [];
    const singles: string[] = [];
    let poisonAttempts = 0;
    running.push(
      runConsumer(stream, {
        durable: 'batch-test',
        filter: 'cart.>',
        async handleBatch(batch) {
          await slowly();
          if (batch.some((e) => e.id === poison.id)) throw new Error('poison in this batch');
          batches.push(batch.length);
          handled.push(...batch.map((e) => e.id));
        },
        async handle(event) {
          // Slow enough that the events published meanwhile pile up behind it.
          await slowly();
          singles.push(event.id);
          if (event.id === poison.id && ++poisonAttempts < 2) throw new Error('poison, first attempt');
          handled.push(event.id);
        },
      }, logger),
    );
    for (const event of published) await stream.publish(event);
    await waitUntil(() => new Set(handled).size === published.length, () => `every event handled (have ${new Set(handled).size})`, 30_000, 25);

    expect(handled.filter((id) => id !== poison.id)).toEqual(published.filter((e) => e !== poison).map((e) => e.id));
    expect(handled.filter((id) => id === poison.id)).toHaveLength(1);
    // Batching happened: fewer batches than events, some holding many.
    expect(Math.max(...batches)).toBeGreaterThan(1);
    // Only the failed batch's events went one by one, and the poison twice (its retry).
    expect(singles.length).toBeGreaterThan(1);
    expect(singles.length).toBeLessThan(published.length);
    expect(singles.filter((id) => id === poison.id)).toHaveLength(2);
  });
});
