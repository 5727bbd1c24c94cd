/** What every product service method takes first: the caller, the clock, this request's loaders and the logger. */
import type { Identity } from '@platform/auth';
import type { Logger } from '@platform/logger';
import { serviceIdentity, type BaseRequestContext, type CacheTags } from '@platform/server';
import type { CatalogReads } from './cache/catalog-reads.ts';
import type { SaleCache } from './cache/flash-sales.ts';
import { createLoaders, type Loaders } from './data/loaders.ts';

export interface RequestContext extends BaseRequestContext {
  loaders: Loaders;
}

export interface ContextDeps {
  reads: CatalogReads;
  sales: SaleCache;
  clock: () => Date;
  logger: Logger;
}

/** The context of one request by `identity`, with fresh loaders. */
export function requestContext(deps: ContextDeps, identity: Identity, tags: CacheTags | null = null): RequestContext {
  return { identity, tags, clock: deps.clock, logger: deps.logger, loaders: createLoaders(deps.reads, deps.sales, tags) };
}

/** The context of an internal call or a job of `service`. */
export const serviceContext = (deps: ContextDeps, service: string): RequestContext => requestContext(deps, serviceIdentity(service));
