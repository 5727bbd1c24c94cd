/**
 * The product subgraph's failures: expected outcomes of flash-sale joins (union members with a
 * fixed `__typename`), and the errors that are not business outcomes.
 */
import { ErrorCode, publicError, UserError } from '@platform/errors';

/** NOT_FOUND for an id that names no product. */
export const notFound = (field: string) => publicError(ErrorCode.NOT_FOUND, 'No product has this id.', { field });

/** NOT_FOUND for an id that names no flash sale. */
export const saleNotFound = (field: string) => publicError(ErrorCode.NOT_FOUND, 'No flash sale has this id.', { field });

export class FlashSaleNotOpen extends UserError {
  readonly __typename = 'FlashSaleNotOpen';
  readonly code = 'FLASH_SALE_NOT_OPEN';
  constructor(readonly queueOpensAt: Date) {
    super(`The queue for this sale opens at ${queueOpensAt.toISOString()}.`);
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

/** Every expected outcome of this subgraph by `__typename`: the SDL's `UserError` types (a test keeps them equal). */
export const ERROR_CLASSES = { FlashSaleNotOpen, FlashSaleSoldOut, FlashSaleEnded };

export type JoinUserError = InstanceType<(typeof ERROR_CLASSES)[keyof typeof ERROR_CLASSES]>;
