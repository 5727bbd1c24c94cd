/** Coupons and their redemptions in Postgres. */
import { Prisma, type Coupon, type CouponKind, type PrismaClient } from '../generated/prisma/client.ts';

export type CouponModel = Coupon;

/** A coupon as the cost rules need it; JSON-safe (decimals and instants as strings) so it can be cached. */
export interface CouponRule {
  code: string;
  kind: 'PERCENT' | 'FIXED';
  /** Percent (10.00 = 10 %) or an amount in the store currency. */
  value: string;
  description: string | null;
  minSubtotal: string | null;
  /** ISO-8601 instants. */
  startsAt: string | null;
  endsAt: string | null;
  maxRedemptions: number | null;
  redemptions: number;
}

type Tx = Prisma.TransactionClient;

/** The JSON-safe rule form of a coupon row. */
export function toCouponRule(row: Coupon): CouponRule {
  return {
    code: row.code,
    kind: row.kind,
    value: row.value.toFixed(2),
    description: row.description,
    minSubtotal: row.minSubtotal === null ? null : row.minSubtotal.toFixed(2),
    startsAt: row.startsAt?.toISOString() ?? null,
    endsAt: row.endsAt?.toISOString() ?? null,
    maxRedemptions: row.maxRedemptions,
    redemptions: row.redemptions,
  };
}

/** Coupons by (normalised) code, in one statement. */
export async function findCoupons(db: PrismaClient | Tx, codes: readonly string[]): Promise<Coupon[]> {
  if (codes.length === 0) return [];
  return db.coupon.findMany({ where: { code: { in: [...codes] } } });
}

export interface NewCoupon {
  code: string;
  kind: CouponKind;
  value: string;
  description: string | null;
  minSubtotal: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  maxRedemptions: number | null;
}

/** Inserts a coupon; `null` when the code exists already. */
export async function insertCoupon(prisma: PrismaClient, coupon: NewCoupon): Promise<Coupon | null> {
  try {
    return await prisma.coupon.create({ data: coupon });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return null;
    throw error;
  }
}

/**
 * Claims the redemption of `code` by `checkoutKey`: true when this call moved it to REDEEMED
 * (new, or redeemed again after a reversal), false when it was REDEEMED already. A concurrent
 * claim of the same pair waits on the unique index and then sees REDEEMED.
 */
export async function claimRedemption(tx: Tx, code: string, checkoutKey: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: bigint }[]>`
    INSERT INTO "pricing"."CouponRedemption" ("code", "checkoutKey", "status", "updatedAt")
    VALUES (${code}, ${checkoutKey}, 'REDEEMED', now())
    ON CONFLICT ("code", "checkoutKey") DO UPDATE SET "status" = 'REDEEMED', "updatedAt" = now()
      WHERE "CouponRedemption"."status" = 'REVERSED'
    RETURNING "id"`;
  return rows.length === 1;
}

/**
 * Counts one more use of `code` unless it has reached `maxRedemptions`. Atomic: the row lock
 * makes concurrent checkouts take turns, and each re-checks the limit on the committed count.
 */
export async function incrementRedemptions(tx: Tx, code: string): Promise<boolean> {
  const updated = await tx.$executeRaw`
    UPDATE "pricing"."Coupon" SET "redemptions" = "redemptions" + 1, "updatedAt" = now()
    WHERE "code" = ${code} AND ("maxRedemptions" IS NULL OR "redemptions" < "maxRedemptions")`;
  return updated === 1;
}

/** Marks the checkout's redemptions REVERSED and returns their codes (none when already reversed). */
export async function markReversed(tx: Tx, checkoutKey: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ code: string }[]>`
    UPDATE "pricing"."CouponRedemption" SET "status" = 'REVERSED', "updatedAt" = now()
    WHERE "checkoutKey" = ${checkoutKey} AND "status" = 'REDEEMED'
    RETURNING "code"`;
  return rows.map((r) => r.code).sort();
}

/** Gives one use of `code` back. */
export async function decrementRedemptions(tx: Tx, code: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE "pricing"."Coupon" SET "redemptions" = "redemptions" - 1, "updatedAt" = now()
    WHERE "code" = ${code} AND "redemptions" > 0`;
}
