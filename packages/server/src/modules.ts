/** SDL-first modules: a subgraph's schema is the SDL of its modules, its resolvers their maps merged type by type. */
import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** Parses `<dir>/<module>/schema.graphql` of every module into one document. */
export function moduleTypeDefs(dir: URL, modules: readonly string[]): DocumentNode {
  return parse(modules.map((module) => readFileSync(new URL(`./${module}/schema.graphql`, dir), 'utf8')).join('\n'));
}

/** Merges resolver maps type by type (a type's fields may come from several modules). */
export function mergeResolvers<R extends object>(...maps: R[]): R {
  const merged: Record<string, unknown> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      const existing = merged[type];
      // Scalars are objects too, but never split across modules.
      merged[type] = existing && typeof existing === 'object' && typeof fields === 'object' && !('serialize' in fields) ? { ...existing, ...fields } : fields;
    }
  }
  return merged as R;
}
