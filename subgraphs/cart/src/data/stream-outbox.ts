/**
 * The cart's stream outbox (`cart."OutboxEvent"`): business events written in the transaction of
 * the change, relayed to the event stream by the relay of `@platform/server/stream`.
 */
import { currentTraceparent } from '@platform/telemetry';
import type { EventData, EventType } from '@platform/events';
import type { SqlExecutor } from '@platform/server';
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
  const traceparent = currentTraceparent();
  return tx.outboxEvent.createManyAndReturn({
    data: rows.map((r) => ({ type: r.type, key: r.key, data: r.data as Prisma.InputJsonValue, occurredAt: r.occurredAt, traceparent })),
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
 * Records a committed change in one statement of its transaction: the locked cart moves to
 * `event.version` (its expiry out, the owner's contact email when given), the cart event (the
 * live-sync log) is appended with that version, and so is its stream copy. A cart write pays one
 * round trip for all three, and they commit exactly when the change does.
 */
export async function recordChange(
  tx: SqlExecutor,
  event: Omit<CartEvent, 'id' | 'publishedAt'>,
  copy: StreamEventRow,
  expiresAt: Date,
  contact: { email: string | null } | undefined,
): Promise<CartEvent> {
  const rows = await tx.query<Omit<CartEventRow, 'id'> & { id: string }>(
    `WITH v AS (
       UPDATE cart."Cart" SET "version" = $1, "updatedAt" = $2, "expiresAt" = $3,
              "contactEmail" = CASE WHEN $4 THEN $5::text ELSE "contactEmail" END
       WHERE "id" = $6::uuid AND "version" = $1 - 1
       RETURNING "version"
     ), e AS (
       INSERT INTO cart."CartEvent" ("cartId", "ownerType", "ownerId", "version", "type", "lineId", "productId", "quantity", "payload", "at")
       SELECT $6::uuid, $7::cart."CartOwnerType", $8, v."version", $9::cart."CartEventType", $10::uuid, $11::uuid, $12::int, $13::jsonb, $2
       FROM v
       RETURNING *
     ), copy AS (
       INSERT INTO cart."OutboxEvent" ("type", "key", "data", "occurredAt", "traceparent")
       SELECT $14, $15, $16::jsonb, $17, $18 FROM v
     )
     SELECT "id"::text AS "id", "cartId"::text AS "cartId", "ownerType"::text AS "ownerType", "ownerId", "version", "type"::text AS "type", "lineId"::text AS "lineId",
            "productId"::text AS "productId", "quantity", "payload", "at", "publishedAt"
     FROM e`,
    [
      event.version,
      event.at,
      expiresAt,
      contact !== undefined,
      contact?.email ?? null,
      event.cartId,
      event.ownerType,
      event.ownerId,
      event.type,
      event.lineId,
      event.productId,
      event.quantity,
      event.payload === null ? null : JSON.stringify(event.payload),
      copy.type,
      copy.key,
      JSON.stringify(copy.data),
      copy.occurredAt,
      currentTraceparent(),
    ],
  );
  const row = rows[0];
  // The cart is locked for this transaction, so its version cannot have moved; no row means a bug.
  if (!row) throw new Error(`cart ${event.cartId} is not at version ${event.version - 1} while locked`);
  return { ...row, id: BigInt(row.id) } as CartEvent;
}
