/**
 * Checkout rows: the saga's durable state. One row per (user, idempotency key). Whoever runs a
 * saga holds its lease (`leaseOwner` + `leaseUntil`); every write of progress is fenced on the
 * owner, so a run that lost its lease (it stalled past it and someone took over) cannot write.
 * The saga's statements are plain SQL on the subgraph's pool (each costs about a fifth of the
 * CPU of the same statement through Prisma); the recovery sweep's `leaseStuck` uses Prisma.
 */
import type { SqlExecutor } from '@platform/server';
import type { Checkout, CheckoutKind, CheckoutStatus, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { CartLineWire, CheckoutCart } from '@subgraph/cart/contract';
import { v7 as uuidv7 } from 'uuid';

export type { Checkout, CheckoutStatus };

/** A shipping address as stored with a checkout and its order: trimmed, an empty line2 as null, the country upper case. */
export interface AddressValue {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
}

/** The cart as checkout read it (its active lines): what it reserves, prices and snapshots, whatever the cart does later. */
export interface CartSnapshot extends Pick<CheckoutCart, 'id' | 'version' | 'couponCodes'> {
  lines: Pick<CartLineWire, 'productId' | 'options' | 'quantity' | 'unitPrice' | 'currencyCode'>[];
}

export interface QuoteSnapshot {
  currencyCode: string;
  subtotal: string;
  discountTotal: string;
  shipping: string;
  tax: string;
  total: string;
  /** The coupons that discounted this checkout (and were redeemed for it). */
  couponCodes: string[];
}

/** What a checkout's outcome is stored as; a FAILED row without one was abandoned and may be retried with its key. */
export type StoredResult = { kind: 'order'; orderId: string } | { kind: 'error'; error: Record<string, unknown> };

/** What the saga's steps captured, in `Checkout.state`. */
export interface SagaState {
  address: AddressValue;
  /** Needed to repeat a charge whose outcome is unknown; dropped when the checkout ends. */
  paymentToken?: string;
  /** What a flash-sale checkout buys; its purchase token is dropped when the checkout ends. */
  flash?: { saleId: string; quantity: number; purchaseToken?: string };
  /** What is bought: the cart's lines, or a flash sale's one redeemed line (then id '' and no coupons). */
  cart?: CartSnapshot;
  quote?: QuoteSnapshot;
  products?: Record<string, { sku: string; name: string }>;
  /** The outcome being compensated towards, so a crash during compensation still ends with it. */
  failure?: StoredResult;
}

export const stateOf = (row: Checkout) => row.state as unknown as SagaState;
export const resultOf = (row: Checkout) => row.result as unknown as StoredResult | null;

/** Statuses in which nothing more will happen to a checkout. */
export const ENDED: readonly CheckoutStatus[] = ['COMPLETED', 'FAILED'];

/** Thrown when a fenced write finds that another run owns the checkout now. */
export class LeaseLost extends Error {
  constructor(readonly checkoutId: string) {
    super(`checkout ${checkoutId}: another run owns it now`);
    this.name = 'LeaseLost';
  }
}

/** Every column of a checkout row, as Prisma's `Checkout` has them (enums as text, JSON parsed, timestamps as Dates). */
const COLUMNS = `"id", "userId", "idempotencyKey", "fingerprint", "kind"::text AS "kind", "status"::text AS "status", "cartId", "cartVersion", "state", "result", "orderId", "attempt", "leaseOwner", "leaseUntil", "createdAt", "updatedAt"`;

/** A JSON column's parameter: always sent as JSON text (an array must not become a Postgres array); null is SQL NULL. */
const jsonParam = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

export async function findCheckout(db: SqlExecutor, userId: string, idempotencyKey: string): Promise<Checkout | null> {
  const [row] = await db.query<Checkout>(`SELECT ${COLUMNS} FROM "orders"."Checkout" WHERE "userId" = $1 AND "idempotencyKey" = $2`, [userId, idempotencyKey]);
  return row ?? null;
}

/** Inserts a checkout leased to `owner`; null when one with this key exists already (a concurrent duplicate won). */
export async function createCheckout(
  db: SqlExecutor,
  data: { userId: string; idempotencyKey: string; fingerprint: string; kind: CheckoutKind; cartVersion: number; state: SagaState; owner: string; leaseUntil: Date },
): Promise<Checkout | null> {
  const [row] = await db.query<Checkout>(
    `INSERT INTO "orders"."Checkout" ("id", "userId", "idempotencyKey", "fingerprint", "kind", "cartVersion", "state", "leaseOwner", "leaseUntil", "createdAt", "updatedAt")
     VALUES ($1::uuid, $2, $3, $4, $5::"orders"."CheckoutKind", $6, $7::jsonb, $8, $9, now(), now())
     ON CONFLICT ("userId", "idempotencyKey") DO NOTHING
     RETURNING ${COLUMNS}`,
    [uuidv7(), data.userId, data.idempotencyKey, data.fingerprint, data.kind, data.cartVersion, jsonParam(data.state), data.owner, data.leaseUntil],
  );
  return row ?? null;
}

/** Takes over a running checkout whose lease ran out at `now`; null when it ended or its owner is still within its lease. */
export async function takeOverLease(db: SqlExecutor, id: string, owner: string, now: Date, leaseUntil: Date): Promise<Checkout | null> {
  const [row] = await db.query<Checkout>(
    `UPDATE "orders"."Checkout" SET "leaseOwner" = $2, "leaseUntil" = $4, "updatedAt" = now()
     WHERE "id" = $1::uuid AND "status" NOT IN ('COMPLETED', 'FAILED') AND ("leaseUntil" IS NULL OR "leaseUntil" < $3)
     RETURNING ${COLUMNS}`,
    [id, owner, now, leaseUntil],
  );
  return row ?? null;
}

/**
 * Starts an abandoned checkout over (a retry with its key after it was compensated): a new
 * attempt, so the keys it sends to other services are fresh. Null when it is not abandoned.
 */
export async function restartAbandoned(db: SqlExecutor, id: string, state: SagaState, owner: string, leaseUntil: Date): Promise<Checkout | null> {
  const [row] = await db.query<Checkout>(
    `UPDATE "orders"."Checkout" SET "status" = 'STARTED', "attempt" = "attempt" + 1, "state" = $2::jsonb, "orderId" = NULL, "leaseOwner" = $3, "leaseUntil" = $4, "updatedAt" = now()
     WHERE "id" = $1::uuid AND "status" = 'FAILED' AND "result" IS NULL
     RETURNING ${COLUMNS}`,
    [id, jsonParam(state), owner, leaseUntil],
  );
  return row ?? null;
}

/** Records progress if `owner` still holds the lease, and extends it; throws `LeaseLost` otherwise. What is not given stays as it is. */
export async function saveProgress(
  db: SqlExecutor,
  id: string,
  owner: string,
  data: { status?: CheckoutStatus; state?: SagaState; cartId?: string; orderId?: string },
  leaseUntil: Date,
): Promise<void> {
  const rows = await db.query(
    `UPDATE "orders"."Checkout" SET "status" = COALESCE($3::"orders"."CheckoutStatus", "status"), "state" = COALESCE($4::jsonb, "state"), "cartId" = COALESCE($5::uuid, "cartId"), "orderId" = COALESCE($6::uuid, "orderId"), "leaseUntil" = $7, "updatedAt" = now()
     WHERE "id" = $1::uuid AND "leaseOwner" = $2
     RETURNING "id"`,
    [id, owner, data.status || null, jsonParam(data.state), data.cartId || null, data.orderId || null, leaseUntil],
  );
  if (!rows.length) throw new LeaseLost(id);
}

/** Ends a checkout (COMPLETED, or FAILED with an outcome or abandoned) and gives up its lease; fenced like `saveProgress`. */
export async function finishCheckout(db: SqlExecutor, id: string, owner: string, status: 'COMPLETED' | 'FAILED', result: StoredResult | null, state: SagaState): Promise<void> {
  const rows = await db.query(
    `UPDATE "orders"."Checkout" SET "status" = $3::"orders"."CheckoutStatus", "result" = $4::jsonb, "state" = $5::jsonb, "leaseOwner" = NULL, "leaseUntil" = NULL, "updatedAt" = now()
     WHERE "id" = $1::uuid AND "leaseOwner" = $2
     RETURNING "id"`,
    [id, owner, status, jsonParam(result), jsonParam(state)],
  );
  if (!rows.length) throw new LeaseLost(id);
}

/** Lets a retry or the recovery sweep take over at once (after an unexpected failure of this run). */
export async function releaseLease(db: SqlExecutor, id: string, owner: string, now: Date): Promise<void> {
  await db.query(`UPDATE "orders"."Checkout" SET "leaseUntil" = $3, "updatedAt" = now() WHERE "id" = $1::uuid AND "leaseOwner" = $2`, [id, owner, now]);
}

/**
 * Leases up to `limit` checkouts that are mid-saga with a lapsed lease at `now` to `owner`.
 * SKIP LOCKED lets concurrent sweeps take disjoint rows.
 */
export async function leaseStuck(db: PrismaClient | Prisma.TransactionClient, now: Date, limit: number, owner: string, leaseUntil: Date): Promise<Checkout[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    /* shard:all checkout recovery sweep, off the request path */
    UPDATE "orders"."Checkout" SET "leaseOwner" = ${owner}, "leaseUntil" = ${leaseUntil}, "updatedAt" = now()
    WHERE "id" IN (
      SELECT "id" FROM "orders"."Checkout"
      WHERE "status" IN ('STARTED', 'RESERVED', 'PRICED', 'CHARGED', 'ORDERED') AND ("leaseUntil" IS NULL OR "leaseUntil" < ${now})
      ORDER BY "leaseUntil" NULLS FIRST
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING "id"`;
  if (!rows.length) return [];
  return db.checkout.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
}
