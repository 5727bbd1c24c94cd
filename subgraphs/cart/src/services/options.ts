/**
 * Line options are normalised so that key order never creates a second line: the key of a line
 * is the canonical JSON (sorted keys) of its options.
 */
import { canonicalJson } from '@platform/server';

export type LineOptions = Record<string, string>;

export function optionsKey(options: LineOptions | null | undefined): string {
  return canonicalJson(options ?? {});
}
