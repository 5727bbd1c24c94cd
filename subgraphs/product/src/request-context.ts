/** What every product service method takes first: the caller, the clock, this request's loaders and the logger. */
import type { Identity } from '@platform/auth';
import type { Logger } from '@platform/logger';
import { serviceIdentity, type BaseRequestContext, type CacheTags } from '@platform/server';
import type { CatalogReads, Reader } from './cache/catalog-reads.ts';
import type { SaleCache } from './cache/flash-sales.ts';
import { createLoaders, type Loaders } from './data/loaders.ts';

export interface RequestContext extends BaseRequestContext {
  loaders: Loaders;
  /** Whose stale-tolerant reads these are (the replica may serve them); none for internal calls and jobs (the primary). */
  reader?: Reader;
}

export interface ContextDeps {
  reads: CatalogReads;
  sales: SaleCache;
  clock: () => Date;
  logger: Logger;
}

/** A caller's catalog reads may be stale (bounded, and never older than their own writes); a service's (checkout's lookups, jobs) may not. */
function readerOf(identity: Identity): Reader | undefined {
  if (identity.kind === 'service') return undefined;
  return { userId: identity.kind === 'user' ? identity.userId : null };
}

/** The context of one request by `identity`, with fresh loaders. */
export function requestContext(deps: ContextDeps, identity: Identity, tags: CacheTags | null = null): RequestContext {
  const reader = readerOf(identity);
  const loaders = createLoaders(deps.reads, deps.sales, tags, reader);
  return { identity, tags, clock: deps.clock, logger: deps.logger, loaders, ...(reader ? { reader } : {}) };
}

/** The context of an internal call or a job of `service`. */
export const serviceContext = (deps: ContextDeps, service: string): RequestContext => requestContext(deps, serviceIdentity(service));
