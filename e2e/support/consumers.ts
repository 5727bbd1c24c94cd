/**
 * Waiting for the stream's consumers to catch up, on their lag rather than on time: first every
 * outbox has handed its events to the stream, then every consumer named has acknowledged
 * everything the stream holds (nothing pending, nothing unacknowledged).
 */
import { sql, waitUntil } from '@platform/testing';
import type { TestStack } from './stack.ts';

const OUTBOXES = ['cart', 'catalog', 'pricing', 'orders'];

/** The consumers of the analytics issue: which subgraph runs each. */
export const ANALYTICS_CONSUMERS = { product: ['product-affinity'], cart: ['cart-analytics'] } as const;

/** Events not yet on the stream, over every outbox: one statement, one connection (test stacks share max_connections). */
async function unstreamed(url: string): Promise<number> {
  const [row] = await sql<{ n: number }>(url, `SELECT (${OUTBOXES.map((schema) => `(SELECT count(*) FROM "${schema}"."OutboxEvent" WHERE "streamedAt" IS NULL)`).join(' + ')})::int AS n`);
  return row?.n ?? 0;
}

/** Resolves once every event written so far has been handled by the consumers (default: the analytics and affinity consumers). */
export async function waitForConsumers(stack: TestStack, consumers: Partial<Record<'product' | 'cart' | 'order', readonly string[]>> = ANALYTICS_CONSUMERS, timeoutMs = 20_000): Promise<void> {
  let state = '';
  await waitUntil(
    async () => {
      const waiting = await unstreamed(stack.db.url);
      if (waiting > 0) {
        state = `${waiting} events still in the outboxes`;
        return false;
      }
      const lags = await Promise.all(
        Object.entries(consumers).flatMap(([subgraph, names]) => (names ?? []).map(async (name) => [name, await stack.subgraphs[subgraph as 'product' | 'cart' | 'order'].events.consumerLag(name)] as const)),
      );
      state = JSON.stringify(Object.fromEntries(lags));
      return lags.every(([, lag]) => lag === 0);
    },
    () => `the consumers to catch up (${state})`,
    timeoutMs,
    100,
  );
}
