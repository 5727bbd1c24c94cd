/** Checkout's expected outcomes other than an order (cart and flash-sale checkouts): union members with a fixed `__typename`. */
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

export class PurchaseTokenInvalid extends UserError {
  readonly __typename = 'PurchaseTokenInvalid';
  readonly code = 'PURCHASE_TOKEN_INVALID';
  constructor(message = 'This purchase token is not valid: it is missing, expired, already used or not yours. Check your ticket for where you stand.') {
    super(message);
  }
}

export class FlashSaleSoldOut extends UserError {
  readonly __typename = 'FlashSaleSoldOut';
  readonly code = 'FLASH_SALE_SOLD_OUT';
  constructor(message = 'This sale is sold out.') {
    super(message);
  }
}

export class FlashSaleEnded extends UserError {
  readonly __typename = 'FlashSaleEnded';
  readonly code = 'FLASH_SALE_ENDED';
  constructor(message = 'This sale has ended.') {
    super(message);
  }
}

export class LimitExceeded extends UserError {
  readonly __typename = 'LimitExceeded';
  readonly code = 'LIMIT_EXCEEDED';
  constructor(readonly limit: number) {
    super(`You may buy at most ${limit} in this sale.`);
  }
}

export class TryAgainLater extends UserError {
  readonly __typename = 'TryAgainLater';
  readonly code = 'TRY_AGAIN_LATER';
  constructor(
    readonly retryAfterSeconds: number,
    message = `Checkout is busy right now; nothing was charged. Try again in ${retryAfterSeconds} s with the same purchase token.`,
  ) {
    super(message);
  }
}

/** Every expected outcome a checkout can end with other than an order, by `__typename`: the SDL's `UserError` types (a test keeps them equal). */
export const ERROR_CLASSES = {
  EmptyCart,
  CartVersionMismatch,
  OutOfStock,
  PaymentDeclined,
  PaymentUnavailable,
  InvalidAddress,
  CouponUnavailable,
  IdempotencyKeyReused,
  PurchaseTokenInvalid,
  FlashSaleSoldOut,
  FlashSaleEnded,
  LimitExceeded,
  TryAgainLater,
};

export type CheckoutUserError = InstanceType<(typeof ERROR_CLASSES)[keyof typeof ERROR_CLASSES]>;
type OutcomeName = keyof typeof ERROR_CLASSES;
type OutcomeOf<K extends OutcomeName> = InstanceType<(typeof ERROR_CLASSES)[K]>;

/** What `checkout` (a cart) can end with besides an order: `CheckoutResult`'s error members. */
export const CART_OUTCOMES = ['EmptyCart', 'CartVersionMismatch', 'OutOfStock', 'PaymentDeclined', 'PaymentUnavailable', 'InvalidAddress', 'CouponUnavailable', 'IdempotencyKeyReused'] as const;
/** What `checkoutFlashSale` can end with besides an order: `FlashSaleCheckoutResult`'s error members. */
export const FLASH_OUTCOMES = ['PurchaseTokenInvalid', 'FlashSaleSoldOut', 'FlashSaleEnded', 'LimitExceeded', 'PaymentDeclined', 'PaymentUnavailable', 'InvalidAddress', 'IdempotencyKeyReused', 'TryAgainLater'] as const;
export type CartCheckoutError = OutcomeOf<(typeof CART_OUTCOMES)[number]>;
export type FlashCheckoutError = OutcomeOf<(typeof FLASH_OUTCOMES)[number]>;

/** `error` as one of the outcomes `allowed` for an operation; any other is a bug (a goods step answering outside its union), thrown as such. */
export function outcomeAmong<K extends OutcomeName>(error: CheckoutUserError, allowed: readonly K[]): OutcomeOf<K> {
  if ((allowed as readonly string[]).includes(error.__typename)) return error as OutcomeOf<K>;
  throw new Error(`checkout ended with ${error.__typename}, which this operation cannot answer`);
}

/** Rebuilds an outcome stored as JSON (a replayed checkout) into its class, so the union resolves it. */
export function reviveCheckoutError(json: Record<string, unknown>): CheckoutUserError {
  const cls = ERROR_CLASSES[json.__typename as keyof typeof ERROR_CLASSES];
  if (!cls) throw new Error(`unknown stored checkout outcome ${String(json.__typename)}`);
  return Object.assign(Object.create(cls.prototype), json) as CheckoutUserError;
}
