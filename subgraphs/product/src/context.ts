/** Per-request context of the product subgraph: the request context every service takes, plus the services. */
import type { Identity } from '@platform/auth';
import type { CacheTags } from '@platform/server';
import { requestContext, type ContextDeps, type RequestContext } from './request-context.ts';
import type { ProductServices } from './services/index.ts';

export interface ProductContext extends RequestContext {
  services: ProductServices;
}

/** Builds the context of one request from the verified caller. */
export function createContext(identity: Identity, deps: ContextDeps & { services: ProductServices }, tags: CacheTags | null = null): ProductContext {
  return { ...requestContext(deps, identity, tags), services: deps.services };
}
