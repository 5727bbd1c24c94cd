/**
 * Line options are normalised so that key order never creates a second line: the key of a line
 * is the canonical JSON (sorted keys) of its options.
 */
export type LineOptions = Record<string, string>;

export function optionsKey(options: LineOptions | null | undefined): string {
  if (!options) return '{}';
  return JSON.stringify(Object.fromEntries(Object.entries(options).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}
