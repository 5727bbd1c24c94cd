/** Per-request context of the order subgraph: the request context every service takes, plus the services. */
import type { Identity } from '@platform/auth';
import type { CacheTags } from '@platform/server';
import { requestContext, type ContextDeps, type RequestContext } from './request-context.ts';
import type { OrderServices } from './services/index.ts';

export interface OrderContext extends RequestContext {
  services: OrderServices;
}

/** Builds the context of one request from the verified caller. */
export function createContext(identity: Identity, deps: ContextDeps & { services: OrderServices }, tags: CacheTags | null = null): OrderContext {
  return { ...requestContext(deps, identity, tags), services: deps.services };
}
