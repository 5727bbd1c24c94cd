/**
 * Query limits (graphql-armor), one definition for both transports: HTTP operations run them as
 * Apollo plugins and validation rules, and subscription documents arriving over WebSocket are
 * parsed and validated with the same numbers.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GatewayConfig } from './config.ts';

/** Most lexical tokens a document may have; enforced while parsing. */
export const MAX_TOKENS = 5_000;

/** The gateway's armor; `.protect()` gives Apollo plugins and graphql-js validation rules. */
export function createArmor(config: Pick<GatewayConfig, 'MAX_QUERY_DEPTH'>) {
  return new ApolloArmor({
    maxDepth: { n: config.MAX_QUERY_DEPTH },
    maxAliases: { n: 30 },
    costLimit: { maxCost: 20_000 },
    maxDirectives: { n: 50 },
    maxTokens: { n: MAX_TOKENS },
    blockFieldSuggestion: { enabled: true },
  });
}
