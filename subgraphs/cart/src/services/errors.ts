/** The cart's expected business outcomes: union members with a fixed `__typename`. */
import { UserError } from '@platform/errors';

export const MIN_QUANTITY = 1;
export const MAX_QUANTITY = 999;
export const MAX_LINES = 100;
export const MAX_COUPONS = 5;

export class InvalidQuantity extends UserError {
  readonly __typename = 'InvalidQuantity';
  readonly code = 'INVALID_QUANTITY';
  readonly min = MIN_QUANTITY;
  readonly max = MAX_QUANTITY;
  constructor(message = `Quantity must be a whole number from ${MIN_QUANTITY} to ${MAX_QUANTITY}.`) {
    super(message);
  }
}

export class ProductNotFound extends UserError {
  readonly __typename = 'ProductNotFound';
  readonly code = 'PRODUCT_NOT_FOUND';
  constructor(readonly productId: string) {
    super('That product does not exist or is no longer sold.');
  }
}

export class InsufficientStock extends UserError {
  readonly __typename = 'InsufficientStock';
  readonly code = 'INSUFFICIENT_STOCK';
  constructor(readonly availableQuantity: number) {
    super(availableQuantity > 0 ? `Only ${availableQuantity} left in stock.` : 'This product is out of stock.');
  }
}

export class LineNotFound extends UserError {
  readonly __typename = 'LineNotFound';
  readonly code = 'LINE_NOT_FOUND';
  constructor(readonly lineId: string, message = 'That line is not in your cart.') {
    super(message);
  }
}

export class VersionConflict extends UserError {
  readonly __typename = 'VersionConflict';
  readonly code = 'VERSION_CONFLICT';
  constructor(readonly currentVersion: number) {
    super(`The cart changed (it is now at version ${currentVersion}); reload it and try again.`);
  }
}

export class CartLimitExceeded extends UserError {
  readonly __typename = 'CartLimitExceeded';
  readonly code = 'CART_LIMIT_EXCEEDED';
  readonly maxLines = MAX_LINES;
  constructor() {
    super(`A cart holds at most ${MAX_LINES} different items.`);
  }
}

export type CouponProblemReason = 'MALFORMED' | 'UNKNOWN' | 'EXPIRED' | 'NOT_YET_VALID' | 'MINIMUM_NOT_MET' | 'EXHAUSTED' | 'NOT_APPLIED' | 'TOO_MANY' | 'ALREADY_APPLIED' | string;

export class InvalidCoupon extends UserError {
  readonly __typename = 'InvalidCoupon';
  readonly code = 'INVALID_COUPON';
  constructor(readonly couponCode: string, readonly reason: CouponProblemReason, message?: string) {
    super(message ?? `Coupon ${couponCode} cannot be used (${reason.toLowerCase().replaceAll('_', ' ')}).`);
  }
}

export class InvalidCountry extends UserError {
  readonly __typename = 'InvalidCountry';
  readonly code = 'INVALID_COUNTRY';
  constructor(readonly country: string, readonly supportedCountries: string[]) {
    super(`We do not ship to "${country}". Choose one of: ${supportedCountries.join(', ')}.`);
  }
}

export class IdempotencyKeyReused extends UserError {
  readonly __typename = 'IdempotencyKeyReused';
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(readonly idempotencyKey: string) {
    super('This idempotency key was already used for a different request; use a new key.');
  }
}

export class InvalidOptions extends UserError {
  readonly __typename = 'InvalidOptions';
  readonly code = 'INVALID_OPTIONS';
  constructor(message = 'Options must be a flat object of short strings, at most 2 KB.') {
    super(message);
  }
}

/** Every expected outcome a cart change can end with, by `__typename`: the SDL's `UserError` types (a test keeps them equal). */
export const ERROR_CLASSES = { InvalidQuantity, ProductNotFound, InsufficientStock, LineNotFound, VersionConflict, CartLimitExceeded, InvalidCoupon, InvalidCountry, IdempotencyKeyReused, InvalidOptions };

export type CartUserError = InstanceType<(typeof ERROR_CLASSES)[keyof typeof ERROR_CLASSES]>;

/** Rebuilds an error stored as JSON (an idempotent replay) into its class, so the union resolves it. */
export function reviveUserError(json: Record<string, unknown>): CartUserError {
  const cls = ERROR_CLASSES[json.__typename as keyof typeof ERROR_CLASSES];
  if (!cls) throw new Error(`unknown stored error ${String(json.__typename)}`);
  return Object.assign(Object.create(cls.prototype), json) as CartUserError;
}
