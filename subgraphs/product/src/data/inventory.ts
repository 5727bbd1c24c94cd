/**
 * Inventory SQL for use inside one transaction. Lock order, everywhere, is: the checkout key's
 * advisory lock, then that key's reservation rows, then inventory rows sorted by product id.
 * Every path takes them in that order (the sweep only ever *tries* key locks), so two
 * transactions never wait on each other in a cycle.
 */
import type { SqlExecutor } from '@platform/server';
import { currentTraceparent } from '@platform/telemetry';
import type { Prisma, ReservationStatus, StockMovementReason } from '../generated/prisma/client.ts';

/**
 * A transaction: Prisma's (flash sales, the sweep, stock takes) or plain SQL on the same pool
 * (the checkout's reserve / consume / release / restock, where Prisma's per-statement cost was
 * most of the CPU). Every statement here is text with positional parameters, run on either.
 */
export type AnyTx = Prisma.TransactionClient | SqlExecutor;

/** Prisma's transaction (what the flash-sale code runs in). */
export type Tx = Prisma.TransactionClient;

function run<R extends object>(tx: AnyTx, text: string, values: readonly unknown[]): Promise<R[]> {
  return '$queryRawUnsafe' in tx ? tx.$queryRawUnsafe<R[]>(text, ...values) : tx.query<R>(text, values);
}

/** Namespace (first key) of the two-key advisory locks that serialise work on one checkout key. */
const CHECKOUT_KEY_LOCK = 0x63_6b_65_79; // "ckey"
/** The one-key advisory lock held by the replica that is sweeping expired reservations. */
export const SWEEP_LOCK = 0x70_72_6f_64_73_77_65_70n; // "prodswep"

/** Waits for the lock on one checkout key, held until the transaction ends. */
export async function lockCheckoutKey(tx: AnyTx, checkoutKey: string): Promise<void> {
  await run(tx, `SELECT pg_advisory_xact_lock($1::int, hashtext($2))::text AS "locked"`, [CHECKOUT_KEY_LOCK, checkoutKey]);
}

/** The subset of `keys` whose lock this transaction got without waiting. */
export async function tryLockCheckoutKeys(tx: AnyTx, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await run<{ key: string }>(tx, `SELECT k AS "key" FROM unnest($1::text[]) AS k WHERE pg_try_advisory_xact_lock($2::int, hashtext(k))`, [[...keys], CHECKOUT_KEY_LOCK]);
  return rows.map((r) => r.key);
}

/** True when this transaction now holds the sweep lock; false when another replica is sweeping. */
export async function tryLockSweep(tx: AnyTx): Promise<boolean> {
  const [row] = await run<{ locked: boolean }>(tx, `SELECT pg_try_advisory_xact_lock($1::bigint) AS "locked"`, [SWEEP_LOCK.toString()]);
  return row!.locked;
}

/**
 * Marks a checkout key released before it held anything, so a reserve for it that arrives later
 * (one in flight when the checkout timed out and compensated) holds nothing. Call under the key's lock.
 */
export async function markKeyReleased(tx: AnyTx, checkoutKey: string): Promise<void> {
  await run(tx, `INSERT INTO "catalog"."ReleasedCheckoutKey" ("checkoutKey") VALUES ($1) ON CONFLICT DO NOTHING`, [checkoutKey]);
}

/** True when `checkoutKey` was released before it held anything (see markKeyReleased). */
export async function wasKeyReleased(tx: AnyTx, checkoutKey: string): Promise<boolean> {
  const rows = await run<{ one: number }>(tx, `SELECT 1 AS "one" FROM "catalog"."ReleasedCheckoutKey" WHERE "checkoutKey" = $1`, [checkoutKey]);
  return rows.length > 0;
}

/** Forgets release marks older than `before`: no request for their keys is still in flight. */
export async function pruneReleasedKeys(tx: AnyTx, before: Date): Promise<number> {
  const rows = await run<{ one: number }>(tx, `DELETE FROM "catalog"."ReleasedCheckoutKey" WHERE "releasedAt" < $1 RETURNING 1 AS "one"`, [before]);
  return rows.length;
}

export interface ReservationRow {
  id: string;
  checkoutKey: string;
  productId: string;
  quantity: number;
  status: ReservationStatus;
  expiresAt: Date;
}

const RESERVATION_COLUMNS = `"id", "checkoutKey", "productId", "quantity", "status"::text AS "status", "expiresAt"`;

/** The reservations of one checkout key, locked, by product id. */
export function lockReservationsOf(tx: AnyTx, checkoutKey: string): Promise<ReservationRow[]> {
  return run<ReservationRow>(tx, `SELECT ${RESERVATION_COLUMNS} FROM "catalog"."Reservation" WHERE "checkoutKey" = $1 ORDER BY "productId" FOR UPDATE`, [checkoutKey]);
}

/** Checkout keys that have an active reservation past its expiry at `now` (at most `limit`). */
export async function findExpiredKeys(tx: AnyTx, now: Date, limit: number): Promise<string[]> {
  const rows = await run<{ key: string }>(
    tx,
    `SELECT DISTINCT "checkoutKey" AS "key" FROM "catalog"."Reservation"
    WHERE "status" = 'ACTIVE' AND "expiresAt" <= $1::timestamptz
    LIMIT $2::int`,
    [now, limit],
  );
  return rows.map((r) => r.key);
}

/** The active, expired reservations of keys this transaction holds, locked. */
export function lockExpiredReservations(tx: AnyTx, keys: readonly string[], now: Date): Promise<ReservationRow[]> {
  return run<ReservationRow>(
    tx,
    `SELECT ${RESERVATION_COLUMNS} FROM "catalog"."Reservation"
    WHERE "checkoutKey" = ANY($1::text[]) AND "status" = 'ACTIVE' AND "expiresAt" <= $2::timestamptz
    ORDER BY "productId", "checkoutKey" FOR UPDATE`,
    [[...keys], now],
  );
}

/** Creates or re-activates one reservation per line of a checkout key. */
export async function activateReservations(tx: AnyTx, checkoutKey: string, lines: readonly { productId: string; quantity: number }[], expiresAt: Date): Promise<void> {
  await run(
    tx,
    `INSERT INTO "catalog"."Reservation" ("id", "productId", "checkoutKey", "quantity", "status", "expiresAt", "updatedAt")
    SELECT gen_random_uuid(), l."productId", $1, l."quantity", 'ACTIVE', $2::timestamptz, now()
    FROM unnest($3::uuid[], $4::int[]) AS l("productId", "quantity")
    ON CONFLICT ("checkoutKey", "productId") DO UPDATE
      SET "quantity" = EXCLUDED."quantity", "status" = 'ACTIVE', "expiresAt" = EXCLUDED."expiresAt", "updatedAt" = now()`,
    [checkoutKey, expiresAt, lines.map((l) => l.productId), lines.map((l) => l.quantity)],
  );
}

/** Moves reservations to a new status. */
export async function setReservationStatus(tx: AnyTx, ids: readonly string[], status: ReservationStatus): Promise<void> {
  await run(tx, `UPDATE "catalog"."Reservation" SET "status" = $1::"catalog"."ReservationStatus", "updatedAt" = now() WHERE "id" = ANY($2::uuid[])`, [status, [...ids]]);
}

export interface StockLevel {
  onHand: number;
  reserved: number;
}

/** Locks the inventory rows of `productIds` in product-id order and returns their levels. */
export async function lockInventory(tx: AnyTx, productIds: readonly string[]): Promise<Map<string, StockLevel>> {
  const sorted = [...new Set(productIds)].sort();
  if (sorted.length === 0) return new Map();
  // LockRows sits above the Sort, so rows are locked in this order: the fixed order that rules out deadlocks.
  const rows = await run<StockLevel & { productId: string }>(tx, `SELECT "productId", "onHand", "reserved" FROM "catalog"."Inventory" WHERE "productId" = ANY($1::uuid[]) ORDER BY "productId" FOR UPDATE`, [sorted]);
  return new Map(rows.map((r) => [r.productId, { onHand: r.onHand, reserved: r.reserved }]));
}

/** Creates the inventory row of a product that has none yet (empty stock). */
export async function ensureInventory(tx: AnyTx, productId: string): Promise<void> {
  await run(tx, `INSERT INTO "catalog"."Inventory" ("productId", "onHand", "reserved", "updatedAt") VALUES ($1::uuid, 0, 0, now()) ON CONFLICT DO NOTHING`, [productId]);
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

export async function applyStockChanges(tx: AnyTx, levels: Map<string, StockLevel>, changes: readonly StockChange[]): Promise<StockMovementAfter[]> {
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
  await run(
    tx,
    `UPDATE "catalog"."Inventory" AS i SET "onHand" = v."onHand", "reserved" = v."reserved", "updatedAt" = now()
    FROM unnest($1::uuid[], $2::int[], $3::int[]) AS v("productId", "onHand", "reserved")
    WHERE i."productId" = v."productId"`,
    [touched, touched.map((id) => levels.get(id)!.onHand), touched.map((id) => levels.get(id)!.reserved)],
  );
  // The audit rows and their `product.stock_changed` events for the stream, in one statement.
  await run(
    tx,
    `    WITH m AS (
      INSERT INTO "catalog"."StockMovement" ("productId", "reason", "onHandDelta", "reservedDelta", "onHandAfter", "reservedAfter", "reference")
      SELECT m."productId", m."reason"::"catalog"."StockMovementReason", m."onHandDelta", m."reservedDelta", m."onHandAfter", m."reservedAfter", m."reference"
      FROM unnest(
        $1::uuid[], $2::text[],
        $3::int[], $4::int[],
        $5::int[], $6::int[],
        $7::text[]
      ) WITH ORDINALITY AS m("productId", "reason", "onHandDelta", "reservedDelta", "onHandAfter", "reservedAfter", "reference", "n")
      ORDER BY m."n"
      RETURNING "id", "productId", "reason", "onHandDelta", "reservedDelta", "onHandAfter", "reservedAfter"
    )
    INSERT INTO "catalog"."OutboxEvent" ("type", "key", "data", "occurredAt", "traceparent")
    SELECT 'product.stock_changed', m."productId"::text,
           jsonb_build_object('productId', m."productId", 'onHand', m."onHandAfter", 'reserved', m."reservedAfter", 'available', GREATEST(0, m."onHandAfter" - m."reservedAfter"),
                              'onHandDelta', m."onHandDelta", 'reservedDelta', m."reservedDelta", 'reason', m."reason"::text),
           now(), $8::text
    FROM m ORDER BY m."id"`,
    [movements.map((m) => m.productId), movements.map((m) => m.reason), movements.map((m) => m.onHandDelta), movements.map((m) => m.reservedDelta), movements.map((m) => m.onHandAfter), movements.map((m) => m.reservedAfter), movements.map((m) => m.reference), currentTraceparent()],
  );
  return movements;
}
