/**
 * One error family. Expected business outcomes are `UserError` results (union members with a
 * fixed `__typename`); exceptional, auth and not-found failures throw a `GraphQLError` with
 * `extensions.code`. `maskError` is every server's `formatError`: nothing internal leaves.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  /** A part of the platform did not answer in time; nothing it would have done was done. Retry after `retryAfterSeconds`. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { RATE_LIMITED: 429 };

/** SERVICE_UNAVAILABLE naming the part of the platform (`service`) that did not answer. */
export const serviceUnavailable = (service: string, retryAfterSeconds = 1) =>
  publicError(ErrorCode.SERVICE_UNAVAILABLE, `The ${service} service is not answering right now; please try again in a moment.`, { service, retryAfterSeconds });

/** A GraphQL error with a public code; its message is meant for clients. */
export function publicError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  const status = HTTP_STATUS[code];
  return new GraphQLError(message, { extensions: { code, ...extensions, ...(status ? { http: { status } } : {}) } });
}

export const unauthenticated = (message = 'Sign in or start a guest session to use a cart.') => publicError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You may not access this resource.') => publicError(ErrorCode.FORBIDDEN, message);
export const badUserInput = (message: string, extensions: Record<string, unknown> = {}) => publicError(ErrorCode.BAD_USER_INPUT, message, extensions);

/**
 * Base of every expected business outcome. Subclasses set a fixed `__typename` and `code`, so a
 * union resolves itself and clients switch on `__typename`.
 */
export abstract class UserError {
  abstract readonly __typename: string;
  abstract readonly code: string;
  constructor(readonly message: string) {}
}

/** Codes whose messages were written for clients and pass through unchanged. */
const PUBLIC_CODES = new Set<string>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.NOT_FOUND,
  ErrorCode.RATE_LIMITED,
  ErrorCode.SERVICE_UNAVAILABLE,
  // Apollo's own request-shape errors are safe and useful to clients.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_ALLOWED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/** Extensions a client may see; everything else (stack traces, service names, bodies) is dropped. */
const PUBLIC_EXTENSIONS = new Set(['code', 'retryAfterSeconds', 'field', 'reason', 'service']);

/**
 * `formatError` for every Apollo server. Public codes keep their message; anything else becomes
 * `INTERNAL_SERVER_ERROR` with a generic message. Only whitelisted extensions survive, so stack
 * traces, SQL, internal URLs and subgraph bodies never reach a client.
 */
export function maskError(formatted: GraphQLFormattedError, onInternal?: (error: GraphQLFormattedError) => void): GraphQLFormattedError {
  const code = String(formatted.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
  if (!PUBLIC_CODES.has(code)) {
    onInternal?.(formatted);
    return { message: 'Something went wrong on our side. Please try again.', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
  const extensions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(formatted.extensions ?? {})) if (PUBLIC_EXTENSIONS.has(k)) extensions[k] = v;
  return {
    message: formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** True for a well-formed UUID, the shape of every entity id; check before it reaches SQL. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
