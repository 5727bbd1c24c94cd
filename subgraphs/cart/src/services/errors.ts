/** The cart's expected business outcomes: union members with a fixed `__typename`. */
import { UserError } from '@platform/errors';

export const MIN_QUANTITY = 1;
export const MAX_QUANTITY = 999;

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

/** Every expected outcome a cart change can end with. */
export type CartUserError = InvalidQuantity | ProductNotFound | InsufficientStock;
