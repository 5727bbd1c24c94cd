/**
 * Union results (`Cart | VersionConflict | ...`) narrowed in one step, in the manner of Vendure's
 * `createErrorResultGuard`: a cast such as `(r.addCartLine as { version: number })` would read
 * `undefined` from an error result and fail far away from the cause; this fails right here and
 * says which member came back and why.
 */

/** Any GraphQL object that selected `__typename`. */
export interface Typed {
  __typename: string;
}

/** What a result is, for a failure message: its `__typename`, `code`, `message` and fields. */
export function describeResult(result: unknown): string {
  if (result === null || result === undefined) return String(result);
  if (typeof result !== 'object') return JSON.stringify(result);
  const { __typename, code, message, ...rest } = result as Record<string, unknown>;
  const head = [String(__typename ?? 'an object without __typename'), code === undefined ? '' : ` [${String(code)}]`, message === undefined ? '' : ` "${String(message)}"`].join('');
  const fields = JSON.stringify(rest);
  return fields === '{}' ? head : `${head} ${fields.length > 400 ? `${fields.slice(0, 400)}...` : fields}`;
}

/** `result` as the union member named `typename`; any other member (or null) fails the test. */
export function expectType<T extends Typed, N extends T['__typename']>(result: T | null | undefined, typename: N): Extract<T, { __typename: N }> {
  if (result?.__typename === typename) return result as Extract<T, { __typename: N }>;
  throw new Error(`expected ${typename}, got ${describeResult(result)}`);
}

/** Every element of `results` as the member `typename`; fails listing each element that is not. */
export function expectEachType<T extends Typed, N extends T['__typename']>(results: readonly (T | null | undefined)[], typename: N): Extract<T, { __typename: N }>[] {
  const wrong = results.flatMap((result, index) => (result?.__typename === typename ? [] : [`#${index}: ${describeResult(result)}`]));
  if (wrong.length) throw new Error(`expected ${results.length} x ${typename}, ${wrong.length} were not:\n  ${wrong.join('\n  ')}`);
  return results as Extract<T, { __typename: N }>[];
}
