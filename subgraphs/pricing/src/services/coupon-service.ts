/**
 * Coupons: creation (admins), validation for the cart, and redemption for checkout.
 *
 * Redemption is the only place `maxRedemptions` is enforced for real: cart views may show a
 * coupon as valid from a cached count, but `redeem` counts each use with an atomic conditional
 * update, so under any concurrency a coupon is redeemed at most `maxRedemptions` times.
 */
import { requireAdmin } from '@platform/auth';
import { badUserInput } from '@platform/errors';
import { Prisma, type CouponKind, type PrismaClient } from '../generated/prisma/client.ts';
import type { TagStore } from '@platform/redis';
import type { RuleCache } from '../cache/rules.ts';
import { couponTag } from '../cache/tags.ts';
import { claimRedemption, decrementRedemptions, findCoupons, incrementRedemptions, insertCoupon, markReversed, toCouponRule, type CouponModel, type NewCoupon } from '../data/coupons.ts';
import { couponProblem, couponProblemMessage, normalizeCouponCode, type CouponProblem, type CouponReason } from './cost-rules.ts';
import type { RequestContext } from '../request-context.ts';
import type { CouponCheck, RedeemResult } from '../contract/index.ts';
import { Decimal, hasCents, MAX_AMOUNT } from './money.ts';

export const COUPON_CODE = /^[A-Z0-9][A-Z0-9_-]{2,31}$/;
const MAX_DESCRIPTION = 200;

export interface CouponInput {
  code: string;
  kind: CouponKind;
  value: string;
  minSubtotal?: string | null;
  startsAt?: Date | string | null;
  endsAt?: Date | string | null;
  maxRedemptions?: number | null;
  description?: string | null;
}


export interface CouponServiceDeps {
  prisma: PrismaClient;
  cache: RuleCache;
  tags: TagStore;
  currencyCode: string;
}

/** Parses an amount for a coupon field: at most 2 decimals, within Decimal(14,2). */
function amount(value: string, field: string): Decimal {
  let parsed: Decimal;
  try {
    parsed = new Decimal(value);
  } catch {
    throw badUserInput(`${field} must be a decimal such as "10.00".`, { field });
  }
  if (!parsed.isFinite() || !hasCents(parsed) || parsed.greaterThan(MAX_AMOUNT)) throw badUserInput(`${field} must have at most 2 decimals and be at most ${MAX_AMOUNT.toFixed(2)}.`, { field });
  return parsed;
}

function instant(value: Date | string | null | undefined, field: string): Date | null {
  if (value == null) return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw badUserInput(`${field} must be an ISO-8601 date-time.`, { field });
  return date;
}

/** Checks a new coupon and returns it ready to store; throws BAD_USER_INPUT naming the field. */
export function parseCouponInput(input: CouponInput): NewCoupon {
  const code = normalizeCouponCode(input.code);
  if (!COUPON_CODE.test(code)) throw badUserInput('code must be 3 to 32 letters, digits, "-" or "_", starting with a letter or digit.', { field: 'code' });
  const value = amount(input.value, 'value');
  if (value.lessThanOrEqualTo(0)) throw badUserInput('value must be more than 0.', { field: 'value' });
  if (input.kind === 'PERCENT' && value.greaterThan(100)) throw badUserInput('A PERCENT coupon takes at most 100 %.', { field: 'value' });
  const minSubtotal = input.minSubtotal == null ? null : amount(input.minSubtotal, 'minSubtotal');
  if (minSubtotal?.isNegative()) throw badUserInput('minSubtotal must be 0 or more.', { field: 'minSubtotal' });
  const startsAt = instant(input.startsAt, 'startsAt');
  const endsAt = instant(input.endsAt, 'endsAt');
  if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) throw badUserInput('endsAt must be after startsAt.', { field: 'endsAt' });
  const maxRedemptions = input.maxRedemptions ?? null;
  if (maxRedemptions !== null && (!Number.isInteger(maxRedemptions) || maxRedemptions < 1)) throw badUserInput('maxRedemptions must be at least 1.', { field: 'maxRedemptions' });
  const description = input.description?.trim() || null;
  if (description && description.length > MAX_DESCRIPTION) throw badUserInput(`description must be at most ${MAX_DESCRIPTION} characters.`, { field: 'description' });
  return { code, kind: input.kind, value: value.toFixed(2), minSubtotal: minSubtotal?.toFixed(2) ?? null, startsAt, endsAt, maxRedemptions, description };
}

/** Why a redemption call was refused; thrown inside the transaction to roll it back. */
class RedemptionRefused extends Error {
  constructor(readonly failed: CouponProblem[]) {
    super('coupon redemption refused');
  }
}

/** Runs a transaction again when Postgres aborted it for a deadlock or write conflict (P2034). */
async function retryOnConflict<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2034')) throw error;
    }
  }
}

// Redemptions wait on each other's row lock; under a burst they queue for a pool connection too.
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 };

export class CouponService {
  constructor(private readonly deps: CouponServiceDeps) {}

  /** Creates a coupon (administrators only); BAD_USER_INPUT when invalid or when the code exists already. */
  async create(ctx: RequestContext, input: CouponInput): Promise<CouponModel> {
    requireAdmin(ctx.identity);
    const coupon = parseCouponInput(input);
    const created = await insertCoupon(this.deps.prisma, coupon);
    if (!created) throw badUserInput(`A coupon ${coupon.code} exists already.`, { field: 'code' });
    // A cart may have cached the code as unknown.
    await this.changed([coupon.code]);
    return created;
  }

  /** One coupon by code (any case), for administrators; null when unknown. */
  async get(ctx: RequestContext, code: string): Promise<CouponModel | null> {
    requireAdmin(ctx.identity);
    const normalized = normalizeCouponCode(code);
    // The token first, then Postgres: a token must never be newer than the row it guards.
    await ctx.tags?.guard([couponTag(normalized)]);
    const [row] = await findCoupons(this.deps.prisma, [normalized]);
    return row ?? null;
  }

  /** Whether `code` applies now to a cart with `subtotal` (minimum not checked without one); reads Postgres. */
  async validate(ctx: RequestContext, input: { code: string; subtotal?: string | undefined }): Promise<CouponCheck> {
    const normalized = normalizeCouponCode(input.code);
    const [row] = await findCoupons(this.deps.prisma, [normalized]);
    const rule = row ? toCouponRule(row) : undefined;
    const reason = couponProblem(rule, ctx.clock(), input.subtotal === undefined ? undefined : new Decimal(input.subtotal));
    if (!reason) return { valid: true, code: normalized };
    return { valid: false, code: normalized, reason, message: couponProblemMessage(normalized, reason, rule, this.deps.currencyCode) };
  }

  /**
   * Redeems every code for one checkout, all or nothing: either each code is counted once for
   * `checkoutKey` (a retried call counts nothing again), or nothing changes and every code that
   * failed is named. Never more than `maxRedemptions` under any concurrency. Codes are handled in
   * sorted order, so concurrent checkouts lock coupons in the same order and cannot deadlock.
   */
  async redeem(ctx: RequestContext, input: { checkoutKey: string; codes: readonly string[]; subtotal: string }): Promise<RedeemResult> {
    const { checkoutKey } = input;
    const unique = [...new Set(input.codes.map(normalizeCouponCode))].sort();
    if (unique.length === 0) return { ok: true, redeemed: [] };
    const at = ctx.clock();
    const cartSubtotal = new Decimal(input.subtotal);
    const { prisma, currencyCode } = this.deps;
    try {
      await retryOnConflict(() =>
        prisma.$transaction(async (tx) => {
          const rules = new Map((await findCoupons(tx, unique)).map((row) => [row.code, toCouponRule(row)]));
          const failed: CouponProblem[] = [];
          const refuse = (code: string, reason: CouponReason) => failed.push({ code, reason, message: couponProblemMessage(code, reason, rules.get(code), currencyCode) });
          for (const code of unique) {
            const rule = rules.get(code);
            if (!rule) {
              refuse(code, 'UNKNOWN');
              continue;
            }
            // Already redeemed by this checkout: a retry, nothing more to count.
            if (!(await claimRedemption(tx, code, checkoutKey))) continue;
            // The limit is checked by the atomic increment below, not on this unlocked read.
            const reason = couponProblem({ ...rule, maxRedemptions: null }, at, cartSubtotal);
            if (reason) refuse(code, reason);
            else if (!(await incrementRedemptions(tx, code))) refuse(code, 'EXHAUSTED');
          }
          if (failed.length) throw new RedemptionRefused(failed);
        }, TRANSACTION_OPTIONS),
      );
    } catch (error) {
      if (error instanceof RedemptionRefused) return { ok: false, failed: error.failed };
      throw error;
    }
    await this.changed(unique);
    return { ok: true, redeemed: unique };
  }

  /** Gives back every use `checkoutKey` made (cancelled order, failed checkout); repeating it changes nothing. */
  async reverse(_ctx: RequestContext, input: { checkoutKey: string }): Promise<{ reversed: string[] }> {
    const reversed = await retryOnConflict(() =>
      this.deps.prisma.$transaction(async (tx) => {
        const codes = await markReversed(tx, input.checkoutKey);
        for (const code of codes) await decrementRedemptions(tx, code);
        return codes;
      }, TRANSACTION_OPTIONS),
    );
    await this.changed(reversed);
    return { reversed };
  }

  /** Coupons changed: their cached rules go, and responses showing them are stale everywhere. */
  private async changed(codes: readonly string[]): Promise<void> {
    await Promise.all([this.deps.cache.invalidateCoupons(codes), this.deps.tags.bump(codes.map(couponTag))]);
  }
}
