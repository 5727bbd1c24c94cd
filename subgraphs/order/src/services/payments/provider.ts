/**
 * The payment provider behind checkout, as an interface: a real gateway adapter and the
 * deterministic test provider both implement it. Every call carries an idempotency key; a
 * provider must answer a repeated key with the first outcome and never move money twice.
 *
 * Outcomes the provider states are results. A call whose outcome is unknown (a timeout, a
 * dropped connection) throws: the caller keeps the attempt as PENDING and repeats it later with
 * the same key to learn what happened.
 */

export interface ChargeRequest {
  idempotencyKey: string;
  /** Exact decimal string, e.g. "29.99". */
  amount: string;
  currencyCode: string;
  /** The payment method token the client got from the provider. */
  token: string;
}

export type ChargeResult =
  | { status: 'SUCCEEDED'; transactionId: string }
  /** The payment method was refused; nothing was charged. */
  | { status: 'DECLINED'; reason: string }
  /** The provider is down and said so; nothing was charged. */
  | { status: 'UNAVAILABLE'; reason: string };

export interface RefundRequest {
  idempotencyKey: string;
  /** The charge to give back. */
  transactionId: string;
  amount: string;
  currencyCode: string;
}

export type RefundResult = { status: 'SUCCEEDED'; refundId: string } | { status: 'UNAVAILABLE'; reason: string };

export interface PaymentProvider {
  readonly name: string;
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
}
