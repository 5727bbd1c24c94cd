/**
 * Every movement of money goes through here: a `Payment` row per charge and per refund, each
 * with its own idempotency key, written as PENDING before the provider is asked. A call whose
 * outcome is unknown (the process died, the provider timed out) leaves the row PENDING; asking
 * again with the same key learns the outcome without moving money twice.
 */
import Decimal from 'decimal.js';
import type { Sql, SqlExecutor } from '@platform/server';
import { Prisma, type Payment, type PrismaClient } from '../../generated/prisma/client.ts';
import { v7 as uuidv7 } from 'uuid';
import type { PaymentProvider } from './provider.ts';

export type ChargeOutcome = { status: 'SUCCEEDED'; payment: Payment } | { status: 'DECLINED' | 'UNAVAILABLE'; reason: string };

/** The provider said it cannot refund right now; the refund stays PENDING and is retried. */
export class RefundUnavailable extends Error {
  constructor(reason: string) {
    super(`refund unavailable: ${reason}`);
    this.name = 'RefundUnavailable';
  }
}

/** Transaction id recorded for a charge of zero (nothing to ask the provider for). */
const NO_CHARGE = 'no-charge';

export interface ChargeRequest {
  checkoutId: string;
  idempotencyKey: string;
  amount: string;
  currencyCode: string;
  /** Needed only while the outcome is unknown; a recorded outcome is returned without it. */
  token: string | undefined;
}

const PAYMENT_COLUMNS = `"id", "checkoutId", "orderId", "kind"::text AS "kind", "status", "idempotencyKey", "transactionId", "failureReason", "amount", "currencyCode", "createdAt", "updatedAt"`;

/** A payment row as Postgres returns it: the amount as text (pg's default for numeric). */
type PaymentRow = Omit<Payment, 'amount'> & { amount: string };

/** The row as Prisma's `Payment` (the decimal built from the exact text, never a float). */
const toPayment = (row: PaymentRow): Payment => ({ ...row, amount: new Prisma.Decimal(row.amount) });

/**
 * The charge path (`charge` and resolving a PENDING charge) is plain SQL on the subgraph's pool,
 * since every checkout runs it; refunds and settling are rare and use Prisma.
 */
export class PaymentLedger {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly provider: PaymentProvider,
    private readonly sql: Sql,
  ) {}

  /**
   * Charges once per key. `guard` runs in the transaction that records the intent (the saga
   * checks it still owns the checkout there), so no charge is sent by a run that lost it.
   */
  async charge(request: ChargeRequest, guard?: (tx: SqlExecutor) => Promise<void>): Promise<ChargeOutcome> {
    // Every statement names the checkout: payments are sharded with their checkout.
    let row = await this.sql.transaction(async (tx) => {
      await guard?.(tx);
      // A repeated step finds the row of its first try and keeps it.
      const [inserted] = await tx.query<PaymentRow>(
        `INSERT INTO "orders"."Payment" ("id", "checkoutId", "kind", "status", "idempotencyKey", "amount", "currencyCode", "createdAt", "updatedAt")
         VALUES ($1::uuid, $2::uuid, 'CHARGE', 'PENDING', $3, $4::numeric, $5, now(), now())
         ON CONFLICT DO NOTHING
         RETURNING ${PAYMENT_COLUMNS}`,
        [uuidv7(), request.checkoutId, request.idempotencyKey, request.amount, request.currencyCode],
      );
      return inserted ? toPayment(inserted) : this.findPayment(tx, { idempotencyKey: request.idempotencyKey, checkoutId: request.checkoutId });
    });
    if (row.status === 'PENDING') row = await this.askProvider(row, request.token);
    if (row.status === 'SUCCEEDED') return { status: 'SUCCEEDED', payment: row };
    if (row.status === 'DECLINED' || row.status === 'UNAVAILABLE') return { status: row.status, reason: row.failureReason ?? '' };
    throw new Error(`charge ${row.idempotencyKey} is ${row.status}; a checkout cannot continue with it`);
  }

  /** The id of a checkout's charge with this key (a resumed saga looks it up). */
  async chargeId(checkoutId: string, idempotencyKey: string): Promise<string> {
    return (await this.findPayment(this.sql, { idempotencyKey, checkoutId })).id;
  }

  private async findPayment(db: SqlExecutor, where: { checkoutId: string } & ({ idempotencyKey: string } | { id: string })): Promise<Payment> {
    const [row] =
      'id' in where
        ? await db.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM "orders"."Payment" WHERE "id" = $1::uuid AND "checkoutId" = $2::uuid`, [where.id, where.checkoutId])
        : await db.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM "orders"."Payment" WHERE "idempotencyKey" = $1 AND "checkoutId" = $2::uuid`, [where.idempotencyKey, where.checkoutId]);
    if (!row) throw new Error(`no payment ${'id' in where ? where.id : where.idempotencyKey} for checkout ${where.checkoutId}`);
    return toPayment(row);
  }

  /** Sends (or repeats, with the same key) a PENDING charge and records what the provider answers. */
  private async askProvider(row: Payment, token: string | undefined): Promise<Payment> {
    let answer: { status: string; transactionId: string | null; failureReason: string | null };
    if (new Decimal(row.amount.toString()).isZero()) {
      answer = { status: 'SUCCEEDED', transactionId: NO_CHARGE, failureReason: null };
    } else {
      if (!token) throw new Error(`charge ${row.idempotencyKey} has an unknown outcome and no token to ask again with`);
      const result = await this.provider.charge({ idempotencyKey: row.idempotencyKey, amount: row.amount.toFixed(2), currencyCode: row.currencyCode, token });
      answer = result.status === 'SUCCEEDED' ? { status: 'SUCCEEDED', transactionId: result.transactionId, failureReason: null } : { status: result.status, transactionId: null, failureReason: result.reason };
    }
    // Only a PENDING row takes the answer: another run may have resolved (and even refunded) it meanwhile.
    const [updated] = await this.sql.query<PaymentRow>(
      `UPDATE "orders"."Payment" SET "status" = $3, "transactionId" = COALESCE($4, "transactionId"), "failureReason" = COALESCE($5, "failureReason"), "updatedAt" = now()
       WHERE "id" = $1::uuid AND "checkoutId" = $2::uuid AND "status" = 'PENDING'
       RETURNING ${PAYMENT_COLUMNS}`,
      [row.id, row.checkoutId, answer.status, answer.transactionId, answer.failureReason],
    );
    return updated ? toPayment(updated) : this.findPayment(this.sql, { id: row.id, checkoutId: row.checkoutId });
  }

  /**
   * Makes sure no charge of a checkout without an order stands: a PENDING charge is resolved
   * (repeated with its key), and every SUCCEEDED one is refunded. Idempotent.
   */
  async settleUnordered(checkoutId: string, token: string | undefined): Promise<void> {
    const charges = await this.prisma.payment.findMany({ where: { checkoutId, kind: 'CHARGE', orderId: null, status: { in: ['PENDING', 'SUCCEEDED'] } } });
    for (let charge of charges) {
      if (charge.status === 'PENDING') charge = await this.askProvider(charge, token);
      if (charge.status === 'SUCCEEDED') await this.refund(charge, `refund:${charge.idempotencyKey}`);
    }
  }

  /** Gives a charge back in full, once per key; a charge that was never taken (or was refunded) needs nothing. */
  async refund(charge: Payment, idempotencyKey: string): Promise<void> {
    if (charge.kind !== 'CHARGE' || charge.status !== 'SUCCEEDED') return;
    // Recorded once per key (a repeat finds the first row); every statement names the checkout.
    await this.prisma.payment.createMany({
      data: [{ checkoutId: charge.checkoutId, orderId: charge.orderId, kind: 'REFUND', status: 'PENDING', idempotencyKey, amount: charge.amount, currencyCode: charge.currencyCode }],
      skipDuplicates: true,
    });
    const refund = await this.prisma.payment.findUniqueOrThrow({ where: { idempotencyKey, checkoutId: charge.checkoutId } });
    let refundId = refund.transactionId ?? NO_CHARGE;
    if (refund.status !== 'SUCCEEDED' && charge.transactionId !== NO_CHARGE) {
      const result = await this.provider.refund({ idempotencyKey, transactionId: charge.transactionId!, amount: charge.amount.toFixed(2), currencyCode: charge.currencyCode });
      if (result.status !== 'SUCCEEDED') throw new RefundUnavailable(result.reason);
      refundId = result.refundId;
    }
    await this.prisma.$transaction([
      this.prisma.payment.update({ where: { id: refund.id, checkoutId: refund.checkoutId }, data: { status: 'SUCCEEDED', transactionId: refundId } }),
      this.prisma.payment.update({ where: { id: charge.id, checkoutId: charge.checkoutId }, data: { status: 'REFUNDED' } }),
    ]);
  }
}
