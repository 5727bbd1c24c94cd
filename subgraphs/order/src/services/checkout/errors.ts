/** Checkout's expected outcomes other than an order: union members with a fixed `__typename`. */
import { UserError } from '@platform/errors';
import type { Shortage } from '@subgraph/product/contract';

export class EmptyCart extends UserError {
  readonly __typename = 'EmptyCart';
  readonly code = 'EMPTY_CART';
  constructor(message = 'Your cart has nothing to check out.') {
    super(message);
  }
}

export class CartVersionMismatch extends UserError {
  readonly __typename = 'CartVersionMismatch';
  readonly code = 'CART_VERSION_MISMATCH';
  constructor(readonly currentVersion: number) {
    super(`Your cart changed (it is now at version ${currentVersion}); review it and check out again.`);
  }
}

export class OutOfStock extends UserError {
  readonly __typename = 'OutOfStock';
  readonly code = 'OUT_OF_STOCK';
  constructor(readonly lines: Shortage[]) {
    super(lines.length === 1 ? 'One item in your cart is short of stock.' : `${lines.length} items in your cart are short of stock.`);
  }
}

export class PaymentDeclined extends UserError {
  readonly __typename = 'PaymentDeclined';
  readonly code = 'PAYMENT_DECLINED';
  constructor(message = 'Your payment was declined; nothing was charged. Try another payment method.') {
    super(message);
  }
}

export class PaymentUnavailable extends UserError {
  readonly __typename = 'PaymentUnavailable';
  readonly code = 'PAYMENT_UNAVAILABLE';
  constructor(message = 'The payment service is unavailable; nothing was charged. Please try again in a moment.') {
    super(message);
  }
}

export type AddressField = 'name' | 'line1' | 'line2' | 'city' | 'postalCode' | 'country';

export class InvalidAddress extends UserError {
  readonly __typename = 'InvalidAddress';
  readonly code = 'INVALID_ADDRESS';
  constructor(readonly field: AddressField, message: string) {
    super(message);
  }
}

export class CouponUnavailable extends UserError {
  readonly __typename = 'CouponUnavailable';
  readonly code = 'COUPON_UNAVAILABLE';
  constructor(readonly couponCodes: string[]) {
    super(`Coupon ${couponCodes.join(', ')} can no longer be used; remove it from your cart and check out again.`);
  }
}

export class IdempotencyKeyReused extends UserError {
  readonly __typename = 'IdempotencyKeyReused';
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(readonly idempotencyKey: string) {
    super('This idempotency key was already used for a different checkout; use a new key.');
  }
}

/** Every expected outcome a checkout can end with other than an order, by `__typename`: the SDL's `UserError` types (a test keeps them equal). */
export const ERROR_CLASSES = { EmptyCart, CartVersionMismatch, OutOfStock, PaymentDeclined, PaymentUnavailable, InvalidAddress, CouponUnavailable, IdempotencyKeyReused };

export type CheckoutUserError = InstanceType<(typeof ERROR_CLASSES)[keyof typeof ERROR_CLASSES]>;

/** Rebuilds an outcome stored as JSON (a replayed checkout) into its class, so the union resolves it. */
export function reviveCheckoutError(json: Record<string, unknown>): CheckoutUserError {
  const cls = ERROR_CLASSES[json.__typename as keyof typeof ERROR_CLASSES];
  if (!cls) throw new Error(`unknown stored checkout outcome ${String(json.__typename)}`);
  return Object.assign(Object.create(cls.prototype), json) as CheckoutUserError;
}
