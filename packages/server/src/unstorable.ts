/**
 * Strings Postgres cannot store and JSON cannot carry faithfully: the NUL character and lone
 * UTF-16 surrogates. Every entry point (the gateway for public operations, `parseInput` for
 * internal ones) refuses them before anything runs, naming where they were.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True for a string Postgres and JSON would mangle or refuse. */
export const isUnstorable = (text: string): boolean => UNSTORABLE.test(text);

/** The path of the first unstorable string (or object key) in a JSON value, e.g. `input.options.size`. */
export function unstorablePath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return isUnstorable(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorablePath(value[i], `${path}.${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (isUnstorable(key)) return `${path}.${key.replace(UNSTORABLE, '?')}`;
      const found = unstorablePath(inner, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}
