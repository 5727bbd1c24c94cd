/**
 * Inventory SQL for use inside one transaction. Lock order, everywhere, is: the checkout key's
 * advisory lock, then that key's reservation rows, then inventory rows sorted by product id.
 * Every path takes them in that order (the sweep only ever *tries* key locks), so two
 * transactions never wait on each other in a cycle.
 */
import { currentTraceparent } from '@platform/telemetry';
import { Prisma, type ReservationStatus, type StockMovementReason } from '../generated/prisma/client.ts';

export type Tx = Prisma.TransactionClient;

/** Namespace (first key) of the two-key advisory locks that serialise work on one checkout key. */
const CHECKOUT_KEY_LOCK = 0x63_6b_65_79; // "ckey"
/** The one-key advisory lock held by the replica that is sweeping expired reservations. */
export const SWEEP_LOCK = 0x70_72_6f_64_73_77_65_70n; // "prodswep"

/** Waits for the lock on one checkout key, held until the transaction ends. */
export async function lockCheckoutKey(tx: Tx, checkoutKey: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHECKOUT_KEY_LOCK}::int, hashtext(${checkoutKey}))`;
}

/** The subset of `keys` whose lock this transaction got without waiting. */
export async function tryLockCheckoutKeys(tx: Tx, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await tx.$queryRaw<{ key: string }[]>`
    SELECT k AS "key" FROM unnest(${[...keys]}::text[]) AS k WHERE pg_try_advisory_xact_lock(${CHECKOUT_KEY_LOCK}::int, hashtext(k))`;
  return rows.map((r) => r.key);
}

/** True when this transaction now holds the sweep lock; false when another replica is sweeping. */
export async function tryLockSweep(tx: Tx): Promise<boolean> {
  const [row] = await tx.$queryRaw<[{ locked: boolean }]>`SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK}::bigint) AS "locked"`;
  return row.locked;
}

export interface ReservationRow {
  id: string;
  checkoutKey: string;
  productId: string;
  quantity: number;
  status: ReservationStatus;
  expiresAt: Date;
}

const RESERVATION_COLUMNS = Prisma.sql`"id", "checkoutKey", "productId", "quantity", "status"::text AS "status", "expiresAt"`;

/** The reservations of one checkout key, locked, by product id. */
export function lockReservationsOf(tx: Tx, checkoutKey: string): Promise<ReservationRow[]> {
  return tx.$queryRaw<ReservationRow[]>`
    SELECT ${RESERVATION_COLUMNS} FROM "catalog"."Reservation" WHERE "checkoutKey" = ${checkoutKey} ORDER BY "productId" FOR UPDATE`;
}

/** Checkout keys that have an active reservation past its expiry at `now` (at most `limit`). */
export async function findExpiredKeys(tx: Tx, now: Date, limit: number): Promise<string[]> {
  const rows = await tx.$queryRaw<{ key: string }[]>`
    SELECT DISTINCT "checkoutKey" AS "key" FROM "catalog"."Reservation"
    WHERE "status" = 'ACTIVE' AND "expiresAt" <= ${now}::timestamptz
    LIMIT ${limit}`;
  return rows.map((r) => r.key);
}

/** The active, expired reservations of keys this transaction holds, locked. */
export function lockExpiredReservations(tx: Tx, keys: readonly string[], now: Date): Promise<ReservationRow[]> {
  return tx.$queryRaw<ReservationRow[]>`
    SELECT ${RESERVATION_COLUMNS} FROM "catalog"."Reservation"
    WHERE "checkoutKey" = ANY(${[...keys]}::text[]) AND "status" = 'ACTIVE' AND "expiresAt" <= ${now}::timestamptz
    ORDER BY "productId", "checkoutKey" FOR UPDATE`;
}

/** Creates or re-activates one reservation per line of a checkout key. */
export async function activateReservations(tx: Tx, checkoutKey: string, lines: readonly { productId: string; quantity: number }[], expiresAt: Date): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "catalog"."Reservation" ("id", "productId", "checkoutKey", "quantity", "status", "expiresAt", "updatedAt")
    SELECT gen_random_uuid(), l."productId", ${checkoutKey}, l."quantity", 'ACTIVE', ${expiresAt}::timestamptz, now()
    FROM unnest(${lines.map((l) => l.productId)}::uuid[], ${lines.map((l) => l.quantity)}::int[]) AS l("productId", "quantity")
    ON CONFLICT ("checkoutKey", "productId") DO UPDATE
      SET "quantity" = EXCLUDED."quantity", "status" = 'ACTIVE', "expiresAt" = EXCLUDED."expiresAt", "updatedAt" = now()`;
}

/** Moves reservations to a new status. */
export async function setReservationStatus(tx: Tx, ids: readonly string[], status: ReservationStatus): Promise<void> {
  await tx.$executeRaw`
    UPDATE "catalog"."Reservation" SET "status" = ${status}::"catalog"."ReservationStatus", "updatedAt" = now() WHERE "id" = ANY(${[...ids]}::uuid[])`;
}

export interface StockLevel {
  onHand: number;
  reserved: number;
}

/** Locks the inventory rows of `productIds` in product-id order and returns their levels. */
export async function lockInventory(tx: Tx, productIds: readonly string[]): Promise<Map<string, StockLevel>> {
  const sorted = [...new Set(productIds)].sort();
  if (sorted.length === 0) return new Map();
  // LockRows sits above the Sort, so rows are locked in this order: the fixed order that rules out deadlocks.
  const rows = await tx.$queryRaw<(StockLevel & { productId: string })[]>`
    SELECT "productId", "onHand", "reserved" FROM "catalog"."Inventory"
    WHERE "productId" = ANY(${sorted}::uuid[]) ORDER BY "productId" FOR UPDATE`;
  return new Map(rows.map((r) => [r.productId, { onHand: r.onHand, reserved: r.reserved }]));
}

/** Creates the inventory row of a product that has none yet (empty stock). */
export async function ensureInventory(tx: Tx, productId: string): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "catalog"."Inventory" ("productId", "onHand", "reserved", "updatedAt") VALUES (${productId}::uuid, 0, 0, now()) ON CONFLICT DO NOTHING`;
}

export interface StockChange {
  productId: string;
  onHandDelta: number;
  reservedDelta: number;
  reason: StockMovementReason;
  /** What caused it: a checkout key, or `admin:<user id>`. */
  reference: string;
}

/**
 * Applies changes to inventory rows this transaction has locked (`levels` from `lockInventory`,
 * updated in place) and writes one audit row per change with the levels after it, and its
 * `product.stock_changed` event in the stream outbox (`catalog."OutboxEvent"`). The CHECK
 * constraints (0 <= reserved <= onHand) are the last line of defence against a bad change.
 */
export interface StockMovementAfter extends StockChange {
  onHandAfter: number;
  reservedAfter: number;
}

export async function applyStockChanges(tx: Tx, levels: Map<string, StockLevel>, changes: readonly StockChange[]): Promise<StockMovementAfter[]> {
  const effective = changes.filter((c) => c.onHandDelta !== 0 || c.reservedDelta !== 0);
  if (effective.length === 0) return [];
  const movements = effective.map((change) => {
    const level = levels.get(change.productId);
    if (!level) throw new Error(`inventory row ${change.productId} is not locked by this transaction`);
    level.onHand += change.onHandDelta;
    level.reserved += change.reservedDelta;
    return { ...change, onHandAfter: level.onHand, reservedAfter: level.reserved };
  });
  const touched = [...new Set(effective.map((c) => c.productId))];
  await tx.$executeRaw`
    UPDATE "catalog"."Inventory" AS i SET "onHand" = v."onHand", "reserved" = v."reserved", "updatedAt" = now()
    FROM unnest(${touched}::uuid[], ${touched.map((id) => levels.get(id)!.onHand)}::int[], ${touched.map((id) => levels.get(id)!.reserved)}::int[])
      AS v("productId", "onHand", "reserved")
    WHERE i."productId" = v."productId"`;
  // The audit rows and their `product.stock_changed` events for the stream, in one statement.
  await tx.$executeRaw`
    WITH m AS (
      INSERT INTO "catalog"."StockMovement" ("productId", "reason", "onHandDelta", "reservedDelta", "onHandAfter", "reservedAfter", "reference")
      SELECT m."productId", m."reason"::"catalog"."StockMovementReason", m."onHandDelta", m."reservedDelta", m."onHandAfter", m."reservedAfter", m."reference"
      FROM unnest(
        ${movements.map((m) => m.productId)}::uuid[], ${movements.map((m) => m.reason)}::text[],
        ${movements.map((m) => m.onHandDelta)}::int[], ${movements.map((m) => m.reservedDelta)}::int[],
        ${movements.map((m) => m.onHandAfter)}::int[], ${movements.map((m) => m.reservedAfter)}::int[],
        ${movements.map((m) => m.reference)}::text[]
      ) WITH ORDINALITY AS m("productId", "reason", "onHandDelta", "reservedDelta", "onHandAfter", "reservedAfter", "reference", "n")
      ORDER BY m."n"
      RETURNING "id", "productId", "reason", "onHandDelta", "reservedDelta", "onHandAfter", "reservedAfter"
    )
    INSERT INTO "catalog"."OutboxEvent" ("type", "key", "data", "occurredAt", "traceparent")
    SELECT 'product.stock_changed', m."productId"::text,
           jsonb_build_object('productId', m."productId", 'onHand', m."onHandAfter", 'reserved', m."reservedAfter", 'available', GREATEST(0, m."onHandAfter" - m."reservedAfter"),
                              'onHandDelta', m."onHandDelta", 'reservedDelta', m."reservedDelta", 'reason', m."reason"::text),
           now(), ${currentTraceparent()}::text
    FROM m ORDER BY m."id"`;
  return movements;
}
