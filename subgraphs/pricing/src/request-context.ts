/** What every pricing service method takes first: the caller, the clock, this request's loaders and the logger. */
import type { Identity } from '@platform/auth';
import type { Logger } from '@platform/logger';
import { serviceIdentity, type BaseRequestContext, type CacheTags } from '@platform/server';
import type { PriceReads } from './cache/price-reads.ts';
import type { RuleReads } from './cache/rule-reads.ts';
import { createLoaders, type Loaders } from './data/loaders.ts';

export interface RequestContext extends BaseRequestContext {
  loaders: Loaders;
}

export interface ContextDeps {
  prices: PriceReads;
  rules: RuleReads;
  clock: () => Date;
  logger: Logger;
}

/** The context of one request by `identity`, with fresh loaders. */
export function requestContext(deps: ContextDeps, identity: Identity, tags: CacheTags | null = null): RequestContext {
  return { identity, tags, clock: deps.clock, logger: deps.logger, loaders: createLoaders(deps.prices, deps.rules, tags) };
}

/** The context of an internal call of `service`. */
export const serviceContext = (deps: ContextDeps, service: string): RequestContext => requestContext(deps, serviceIdentity(service));
