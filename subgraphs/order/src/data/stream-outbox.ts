/** The order subgraph's stream outbox (`orders."OutboxEvent"`), written in the transaction of the change it records. */
import { currentTraceparent } from '@platform/telemetry';
import type { EventData, EventType } from '@platform/events';
import type { Prisma } from '../generated/prisma/client.ts';

export interface StreamEventRow<T extends EventType = EventType> {
  type: T;
  /** The order id: one order's events keep their order on the stream. */
  key: string;
  data: EventData<T>;
  occurredAt: Date;
}

export async function insertStreamEvents(tx: Prisma.TransactionClient, rows: readonly StreamEventRow[]): Promise<void> {
  const traceparent = currentTraceparent();
  if (rows.length) await tx.outboxEvent.createMany({ data: rows.map((r) => ({ type: r.type, key: r.key, data: r.data as Prisma.InputJsonValue, occurredAt: r.occurredAt, traceparent })) });
}
