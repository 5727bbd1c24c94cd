/**
 * Checkout rows: the saga's durable state. One row per (user, idempotency key). Whoever runs a
 * saga holds its lease (`leaseOwner` + `leaseUntil`); every write of progress is fenced on the
 * owner, so a run that lost its lease (it stalled past it and someone took over) cannot write.
 */
import { Prisma, type Checkout, type CheckoutKind, type CheckoutStatus, type PrismaClient } from '../generated/prisma/client.ts';
import type { CartLineWire, CheckoutCart } from '@subgraph/cart/contract';

type Db = PrismaClient | Prisma.TransactionClient;

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
const json = (value: unknown) => value as Prisma.InputJsonValue;

/** Statuses in which nothing more will happen to a checkout. */
export const ENDED: readonly CheckoutStatus[] = ['COMPLETED', 'FAILED'];

/** Thrown when a fenced write finds that another run owns the checkout now. */
export class LeaseLost extends Error {
  constructor(readonly checkoutId: string) {
    super(`checkout ${checkoutId}: another run owns it now`);
    this.name = 'LeaseLost';
  }
}

export function findCheckout(db: Db, userId: string, idempotencyKey: string): Promise<Checkout | null> {
  return db.checkout.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey } } });
}

/** Inserts a checkout leased to `owner`; null when one with this key exists already (a concurrent duplicate won). */
export async function createCheckout(
  db: Db,
  data: { userId: string; idempotencyKey: string; fingerprint: string; kind: CheckoutKind; cartVersion: number; state: SagaState; owner: string; leaseUntil: Date },
): Promise<Checkout | null> {
  try {
    return await db.checkout.create({
      data: { userId: data.userId, idempotencyKey: data.idempotencyKey, fingerprint: data.fingerprint, kind: data.kind, cartVersion: data.cartVersion, state: json(data.state), leaseOwner: data.owner, leaseUntil: data.leaseUntil },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return null;
    throw error;
  }
}

/** Takes over a running checkout whose lease ran out at `now`; null when it ended or its owner is still within its lease. */
export async function takeOverLease(db: Db, id: string, owner: string, now: Date, leaseUntil: Date): Promise<Checkout | null> {
  const { count } = await db.checkout.updateMany({
    where: { id, status: { notIn: [...ENDED] }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    data: { leaseOwner: owner, leaseUntil },
  });
  return count ? db.checkout.findFirst({ where: { id } }) : null;
}

/**
 * Starts an abandoned checkout over (a retry with its key after it was compensated): a new
 * attempt, so the keys it sends to other services are fresh. Null when it is not abandoned.
 */
export async function restartAbandoned(db: Db, id: string, state: SagaState, owner: string, leaseUntil: Date): Promise<Checkout | null> {
  const { count } = await db.checkout.updateMany({
    where: { id, status: 'FAILED', result: { equals: Prisma.DbNull } },
    data: { status: 'STARTED', attempt: { increment: 1 }, state: json(state), orderId: null, leaseOwner: owner, leaseUntil },
  });
  return count ? db.checkout.findFirst({ where: { id } }) : null;
}

/** Records progress if `owner` still holds the lease, and extends it; throws `LeaseLost` otherwise. */
export async function saveProgress(
  db: Db,
  id: string,
  owner: string,
  data: { status?: CheckoutStatus; state?: SagaState; cartId?: string; orderId?: string },
  leaseUntil: Date,
): Promise<void> {
  const { count } = await db.checkout.updateMany({
    where: { id, leaseOwner: owner },
    data: { ...(data.status ? { status: data.status } : {}), ...(data.state ? { state: json(data.state) } : {}), ...(data.cartId ? { cartId: data.cartId } : {}), ...(data.orderId ? { orderId: data.orderId } : {}), leaseUntil },
  });
  if (!count) throw new LeaseLost(id);
}

/** Ends a checkout (COMPLETED, or FAILED with an outcome or abandoned) and gives up its lease; fenced like `saveProgress`. */
export async function finishCheckout(db: Db, id: string, owner: string, status: 'COMPLETED' | 'FAILED', result: StoredResult | null, state: SagaState): Promise<void> {
  const { count } = await db.checkout.updateMany({
    where: { id, leaseOwner: owner },
    data: { status, result: result ? json(result) : Prisma.DbNull, state: json(state), leaseOwner: null, leaseUntil: null },
  });
  if (!count) throw new LeaseLost(id);
}

/** Lets a retry or the recovery sweep take over at once (after an unexpected failure of this run). */
export async function releaseLease(db: Db, id: string, owner: string, now: Date): Promise<void> {
  await db.checkout.updateMany({ where: { id, leaseOwner: owner }, data: { leaseUntil: now } });
}

/**
 * Leases up to `limit` checkouts that are mid-saga with a lapsed lease at `now` to `owner`.
 * SKIP LOCKED lets concurrent sweeps take disjoint rows.
 */
export async function leaseStuck(db: Db, now: Date, limit: number, owner: string, leaseUntil: Date): Promise<Checkout[]> {
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
