/**
 * The cart's stream outbox (`cart."OutboxEvent"`): business events written in the transaction of
 * the change, relayed to the event stream by the relay of `@platform/server/stream`.
 */
import { currentTraceparent } from '@platform/telemetry';
import type { EventData, EventType } from '@platform/events';
import type { SqlExecutor } from '@platform/server';
import { Prisma, type CartEvent } from '../generated/prisma/client.ts';
import { cartFromRow, linesJson, type CartRow, type CartView } from './carts.ts';

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
 * live-sync log) is appended with that version, and so is its stream copy. The same statement
 * reads the cart back as it now is (its row from the update, its lines as this transaction left
 * them), so a cart write pays one round trip for all four, and they commit exactly when the
 * change does.
 */
export async function recordChange(
  tx: SqlExecutor,
  event: Omit<CartEvent, 'id' | 'publishedAt'>,
  copy: StreamEventRow,
  expiresAt: Date,
  contact: { email: string | null } | undefined,
): Promise<{ event: CartEvent; cart: CartView }> {
  const rows = await tx.query<Omit<CartEventRow, 'id'> & { id: string } & Pick<CartRow, 'couponCodes' | 'shippingCountry' | 'lines'> & { cartExpiresAt: Date; cartUpdatedAt: Date }>(
    `WITH v AS (
       UPDATE cart."Cart" SET "version" = $1, "updatedAt" = $2, "expiresAt" = $3,
              "contactEmail" = CASE WHEN $4 THEN $5::text ELSE "contactEmail" END
       WHERE "id" = $6::uuid AND "version" = $1 - 1
       RETURNING "id", "version", "couponCodes", "shippingCountry", "expiresAt", "updatedAt"
     ), e AS (
       INSERT INTO cart."CartEvent" ("cartId", "ownerType", "ownerId", "version", "type", "lineId", "productId", "quantity", "payload", "at")
       SELECT $6::uuid, $7::cart."CartOwnerType", $8, v."version", $9::cart."CartEventType", $10::uuid, $11::uuid, $12::int, $13::jsonb, $2
       FROM v
       RETURNING *
     ), copy AS (
       INSERT INTO cart."OutboxEvent" ("type", "key", "data", "occurredAt", "traceparent")
       SELECT $14, $15, $16::jsonb, $17, $18 FROM v
     )
     SELECT e."id"::text AS "id", e."cartId"::text AS "cartId", e."ownerType"::text AS "ownerType", e."ownerId", e."version", e."type"::text AS "type", e."lineId"::text AS "lineId",
            e."productId"::text AS "productId", e."quantity", e."payload", e."at", e."publishedAt",
            v."couponCodes", v."shippingCountry", v."expiresAt" AS "cartExpiresAt", v."updatedAt" AS "cartUpdatedAt", ${linesJson('v."id"')} AS "lines"
     FROM e, v`,
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
  const { couponCodes, shippingCountry, cartExpiresAt, cartUpdatedAt, lines, ...committed } = row;
  const cart = cartFromRow({ id: committed.cartId, ownerType: committed.ownerType, ownerId: committed.ownerId, version: committed.version, couponCodes, shippingCountry, expiresAt: cartExpiresAt, updatedAt: cartUpdatedAt, lines });
  return { event: { ...committed, id: BigInt(committed.id) } as CartEvent, cart };
}
