/** The order subgraph's stream outbox (`orders."OutboxEvent"`), written in the transaction of the change it records. */
import { currentTraceparent } from '@platform/telemetry';
import type { EventData, EventType } from '@platform/events';
import type { SqlExecutor } from '@platform/server';

export interface StreamEventRow<T extends EventType = EventType> {
  type: T;
  /** The order id: one order's events keep their order on the stream. */
  key: string;
  data: EventData<T>;
  occurredAt: Date;
}

/** Appends events to the outbox inside the caller's transaction (an order placed, an order cancelled): all rows in one statement. */
export async function insertStreamEvents(tx: SqlExecutor, rows: readonly StreamEventRow[]): Promise<void> {
  if (!rows.length) return;
  await tx.query(
    `INSERT INTO "orders"."OutboxEvent" ("type", "key", "data", "occurredAt", "traceparent")
     SELECT e.type, e.key, e.data, e.occurred_at, $5 FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[]) AS e(type, key, data, occurred_at)`,
    [rows.map((r) => r.type), rows.map((r) => r.key), rows.map((r) => JSON.stringify(r.data)), rows.map((r) => r.occurredAt.toISOString()), currentTraceparent() ?? null],
  );
}
