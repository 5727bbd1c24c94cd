/**
 * Flash-sale checkout input: the malformed is refused up front (BAD_USER_INPUT naming the
 * field); what the idempotency key is bound to; the saga's starting state.
 */
import { badUserInput, isUuid } from '@platform/errors';
import { fingerprintOf } from '@platform/server';
import type { SagaState } from '../../data/checkouts.ts';
import { assertWellFormed, normalizeAddress, type CheckoutInputValue } from '../checkout/input.ts';

export interface FlashCheckoutInputValue {
  saleId: string;
  purchaseToken: string;
  quantity: number;
  idempotencyKey: string;
  shippingAddress: CheckoutInputValue['shippingAddress'];
  paymentToken: string;
}

/** Most units one flash-sale checkout may ask for (the sale's per-buyer limit is at most this). */
export const MAX_QUANTITY = 999;
const PURCHASE_TOKEN = /^[\x21-\x7e]{1,300}$/;

/** Refuses a malformed sale id, token, quantity, key or payment token (client bugs, not business outcomes). */
export function assertFlashWellFormed(input: FlashCheckoutInputValue): void {
  assertWellFormed(input);
  if (!isUuid(input.saleId)) throw badUserInput('`saleId` is not a flash sale id.', { field: 'saleId' });
  if (!PURCHASE_TOKEN.test(input.purchaseToken)) throw badUserInput('`purchaseToken` must be the token of your admitted ticket.', { field: 'purchaseToken' });
  if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > MAX_QUANTITY) throw badUserInput(`\`quantity\` must be a whole number from 1 to ${MAX_QUANTITY}.`, { field: 'quantity' });
}

/** What a key is bound to: the sale, the token, the quantity, the normalized address and the payment token (only a digest is kept). */
export function flashFingerprint(input: FlashCheckoutInputValue): string {
  return fingerprintOf('flash-checkout', {
    saleId: input.saleId.toLowerCase(),
    purchaseToken: input.purchaseToken,
    quantity: input.quantity,
    shippingAddress: normalizeAddress(input.shippingAddress),
    paymentToken: input.paymentToken,
  });
}

/** The saga's starting state: the address, the payment token and what is bought. */
export function flashInitialState(input: FlashCheckoutInputValue): SagaState {
  return {
    address: normalizeAddress(input.shippingAddress),
    paymentToken: input.paymentToken,
    flash: { saleId: input.saleId.toLowerCase(), quantity: input.quantity, purchaseToken: input.purchaseToken },
  };
}
