/**
 * What a call can fail with. Expected business outcomes are not errors: they come back as typed
 * union members (`__typename`). These are the exceptional ones: the API answered with GraphQL
 * errors (`extensions.code` such as UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, RATE_LIMITED), or
 * it could not be reached after every retry.
 */

export interface GraphQLErrorEntry {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** The API answered, with GraphQL errors. `code` is the first error's `extensions.code`. */
export class CartApiError extends Error {
  readonly code: string | undefined;
  constructor(
    readonly operationName: string,
    readonly errors: GraphQLErrorEntry[],
    /** HTTP status of the answer. */
    readonly status: number,
    /** Whatever data came with the errors (partial results). */
    readonly data: unknown = undefined,
  ) {
    super(`${operationName}: ${errors.map((e) => (e.extensions?.code ? `${e.extensions.code}: ${e.message}` : e.message)).join('; ')}`);
    this.name = 'CartApiError';
    this.code = errors[0]?.extensions?.code;
  }
}

/** The API could not be reached or did not give a GraphQL answer, after every attempt. */
export class CartNetworkError extends Error {
  constructor(
    readonly operationName: string,
    message: string,
    readonly attempts: number,
    /** HTTP status when the server answered with something that is not GraphQL (or a 429). */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`${operationName}: ${message} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`, options);
    this.name = 'CartNetworkError';
  }
}
