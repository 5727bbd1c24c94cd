/**
 * Errors that mean "not now", not "wrong": the database pool had no connection within its
 * acquire timeout, a statement was cancelled by a timeout, a lock could not be had, or Postgres
 * chose this transaction as a deadlock or serialization victim. Each happens before the write
 * committed or rolls it back (a write retried with its idempotency key happens once): SERVICE_UNAVAILABLE naming
 * the database with a retry hint, never INTERNAL_SERVER_ERROR. Overload makes the platform
 * slower, never opaque.
 */
import type { GraphQLFormattedError } from 'graphql';

/** SQLSTATEs of a transaction that was refused or rolled back for load, not for its content. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '55P03', '57014', '53300', '57P03']);

/** The cause chain of an error (GraphQL's originalError, Prisma's cause, ...). */
function* causes(error: unknown): Generator<unknown> {
  for (let at = error, depth = 0; at && depth < 6; at = (at as { originalError?: unknown; cause?: unknown }).originalError ?? (at as { cause?: unknown }).cause, depth++) yield at;
}

/** True when `error` (or what caused it) is one of those load failures. */
export function isOverloadError(error: unknown): boolean {
  for (const at of causes(error)) {
    const { code, message } = at as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && RETRYABLE_SQLSTATES.has(code)) return true;
    if (typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated due to connection timeout|Transaction API error: Unable to start a transaction in the given time/i.test(message)) return true;
  }
  return false;
}

/** The formatted error clients see for a load failure. */
export function overloadFormattedError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return {
    message: 'The database is busy right now; please try again in a moment.',
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'SERVICE_UNAVAILABLE', service: 'database', retryAfterSeconds: 1 },
  };
}
