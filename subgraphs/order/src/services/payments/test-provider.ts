/**
 * The deterministic payment provider for development and tests. By token: `tok_ok` succeeds,
 * `tok_declined` is declined, `tok_unavailable` answers that the provider is down; any other
 * token is declined. Like a real provider it remembers idempotency keys: a repeated key gets the
 * first outcome and never charges or refunds twice. State lives in this process.
 */
import { randomUUID } from 'node:crypto';
import type { ChargeRequest, ChargeResult, PaymentProvider, RefundRequest, RefundResult } from './provider.ts';

export const TEST_TOKENS = { ok: 'tok_ok', declined: 'tok_declined', unavailable: 'tok_unavailable' } as const;

interface Movement {
  kind: 'charge' | 'refund';
  idempotencyKey: string;
  transactionId: string;
  amount: string;
  currencyCode: string;
}

export class TestPaymentProvider implements PaymentProvider {
  readonly name = 'test';
  private readonly charges = new Map<string, ChargeResult>();
  private readonly refunds = new Map<string, RefundResult>();
  private readonly captured = new Map<string, { amount: string; refunded: boolean }>();
  /** Every movement of money, in order: what a test asserts "charged once" against. */
  readonly ledger: Movement[] = [];

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const seen = this.charges.get(request.idempotencyKey);
    if (seen) return seen;
    const result = this.decide(request);
    this.charges.set(request.idempotencyKey, result);
    if (result.status === 'SUCCEEDED') {
      this.captured.set(result.transactionId, { amount: request.amount, refunded: false });
      this.ledger.push({ kind: 'charge', idempotencyKey: request.idempotencyKey, transactionId: result.transactionId, amount: request.amount, currencyCode: request.currencyCode });
    }
    return result;
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const seen = this.refunds.get(request.idempotencyKey);
    if (seen) return seen;
    const charge = this.captured.get(request.transactionId);
    // A real provider rejects these too; for us they are bugs, not outcomes.
    if (!charge) throw new Error(`test provider: no charge ${request.transactionId} to refund`);
    if (charge.refunded) throw new Error(`test provider: charge ${request.transactionId} was refunded already`);
    charge.refunded = true;
    const result: RefundResult = { status: 'SUCCEEDED', refundId: `re_test_${randomUUID()}` };
    this.refunds.set(request.idempotencyKey, result);
    this.ledger.push({ kind: 'refund', idempotencyKey: request.idempotencyKey, transactionId: request.transactionId, amount: request.amount, currencyCode: request.currencyCode });
    return result;
  }

  private decide(request: ChargeRequest): ChargeResult {
    switch (request.token) {
      case TEST_TOKENS.ok:
        return { status: 'SUCCEEDED', transactionId: `ch_test_${randomUUID()}` };
      case TEST_TOKENS.unavailable:
        return { status: 'UNAVAILABLE', reason: 'The payment provider is not answering.' };
      case TEST_TOKENS.declined:
        return { status: 'DECLINED', reason: 'The card was declined.' };
      default:
        return { status: 'DECLINED', reason: 'Unknown payment token.' };
    }
  }
}
