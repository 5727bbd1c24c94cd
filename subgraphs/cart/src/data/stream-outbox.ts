/**
 * The cart's stream outbox (`cart."OutboxEvent"`): business events written in the transaction of
 * the change, relayed to the event stream by the relay of `@platform/server/stream`.
 */
import type { EventData, EventType } from '@platform/events';
import type { Prisma } from '../generated/prisma/client.ts';

export interface StreamEventRow<T extends EventType = EventType> {
  type: T;
  /** The cart id: one cart's events keep their order on the stream. */
  key: string;
  data: EventData<T>;
  occurredAt: Date;
}

/** Appends events to the stream outbox in the change's transaction. */
export async function insertStreamEvents(tx: Prisma.TransactionClient, rows: readonly StreamEventRow[]): Promise<{ eventId: string; key: string }[]> {
  if (rows.length === 0) return [];
  return tx.outboxEvent.createManyAndReturn({
    data: rows.map((r) => ({ type: r.type, key: r.key, data: r.data as Prisma.InputJsonValue, occurredAt: r.occurredAt })),
    select: { eventId: true, key: true },
  });
}
