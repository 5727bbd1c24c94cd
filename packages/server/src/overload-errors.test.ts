import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { isOverloadError, overloadFormattedError } from './overload-errors.ts';

describe('load failures', () => {
  it.each([
    ['a pool acquire timeout', new Error('timeout exceeded when trying to connect')],
    ['a lock timeout (55P03) wrapped by GraphQL', new GraphQLError('x', { originalError: Object.assign(new Error('lock'), { code: '55P03' }) })],
    ['a statement cancelled by its timeout (57014) as a cause', new Error('query failed', { cause: Object.assign(new Error('canceling statement'), { code: '57014' }) })],
    ['a deadlock victim (40P01)', Object.assign(new Error('deadlock'), { code: '40P01' })],
    ["Prisma's interactive transaction wait", new Error('Transaction API error: Unable to start a transaction in the given time.')],
  ])('%s is SERVICE_UNAVAILABLE naming the database', (_, error) => {
    expect(isOverloadError(error)).toBe(true);
    expect(overloadFormattedError({ message: 'internal detail', path: ['addCartLine'] })).toEqual({
      message: 'The database is busy right now; please try again in a moment.',
      path: ['addCartLine'],
      extensions: { code: 'SERVICE_UNAVAILABLE', service: 'database', retryAfterSeconds: 1 },
    });
  });

  it.each([
    ['a unique violation (23505)', Object.assign(new Error('dup'), { code: '23505' })],
    ['a plain bug', new TypeError('undefined is not a function')],
  ])('%s is not', (_, error) => {
    expect(isOverloadError(error)).toBe(false);
  });
});
