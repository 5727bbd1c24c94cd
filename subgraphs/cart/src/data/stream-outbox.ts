/**
 * The cart's stream outbox (`cart."OutboxEvent"`): business events written in the transaction of
 * the change, relayed to the event stream by the relay of `@platform/server/stream`.
 */
import type { EventData, EventType } from '@platform/events';
import { Prisma, type CartEvent } from '../generated/prisma/client.ts';

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

interface CartEventRow {
  id: bigint;
  cartId: string;
  ownerType: CartEvent['ownerType'];
  ownerId: string;
  version: number;
  type: CartEvent['type'];
  lineId: string | null;
  productId: string | null;
  quantity: number | null;
  payload: Prisma.JsonValue | null;
  at: Date;
  publishedAt: Date | null;
}

/**
 * Appends a cart event (the live-sync log) and its stream copy in one statement, in the change's
 * transaction: a cart write pays one round trip for both.
 */
export async function insertEventWithStreamCopy(tx: Prisma.TransactionClient, event: Omit<CartEvent, 'id' | 'publishedAt'>, copy: StreamEventRow): Promise<CartEvent> {
  const payload = event.payload === null ? null : JSON.stringify(event.payload);
  const rows = await tx.$queryRaw<CartEventRow[]>`
    WITH e AS (
      INSERT INTO cart."CartEvent" ("cartId", "ownerType", "ownerId", "version", "type", "lineId", "productId", "quantity", "payload", "at")
      VALUES (${event.cartId}::uuid, ${event.ownerType}::cart."CartOwnerType", ${event.ownerId}, ${event.version}, ${event.type}::cart."CartEventType",
              ${event.lineId}::uuid, ${event.productId}::uuid, ${event.quantity}::int, ${payload}::jsonb, ${event.at})
      RETURNING *
    ), copy AS (
      INSERT INTO cart."OutboxEvent" ("type", "key", "data", "occurredAt") VALUES (${copy.type}, ${copy.key}, ${JSON.stringify(copy.data)}::jsonb, ${copy.occurredAt})
    )
    SELECT "id", "cartId"::text AS "cartId", "ownerType"::text AS "ownerType", "ownerId", "version", "type"::text AS "type", "lineId"::text AS "lineId",
           "productId"::text AS "productId", "quantity", "payload", "at", "publishedAt"
    FROM e`;
  return rows[0]! as CartEvent;
}
