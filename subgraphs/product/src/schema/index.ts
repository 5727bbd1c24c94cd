/** The product subgraph's schema: the SDL of every module and their resolvers, merged type by type. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Resolvers } from '../generated/graphql.ts';
import { catalogResolvers } from './catalog/resolvers.ts';
import { flashSaleResolvers } from './flash-sales/resolvers.ts';
import { recommendationResolvers } from './recommendations/resolvers.ts';

const MODULES = ['catalog', 'flash-sales', 'recommendations'] as const;

export const typeDefs = parse(MODULES.map((module) => readFileSync(new URL(`./${module}/schema.graphql`, import.meta.url), 'utf8')).join('\n'));

function merge(...maps: Resolvers[]): Resolvers {
  const merged: Record<string, unknown> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      const existing = merged[type];
      // Scalars are objects too, but never split across modules.
      merged[type] = existing && typeof existing === 'object' && typeof fields === 'object' && !('serialize' in fields) ? { ...existing, ...fields } : fields;
    }
  }
  return merged as Resolvers;
}

export const resolvers = merge(catalogResolvers, flashSaleResolvers, recommendationResolvers);
