/** Failures of the product subgraph that are not business outcomes. */
import { ErrorCode, publicError } from '@platform/errors';

/** NOT_FOUND for an id that names no product. */
export const notFound = (field: string) => publicError(ErrorCode.NOT_FOUND, 'No product has this id.', { field });
