/** Per-request context of the cart subgraph: the request context every service takes, plus the services. */
import type { Identity } from '@platform/auth';
import type { CacheTags } from '@platform/server';
import { requestContext, type ContextDeps, type RequestContext } from './request-context.ts';
import type { CartServices } from './services/index.ts';

export interface CartContext extends RequestContext {
  services: CartServices;
  currencyCode: string;
}

/** Builds the context of one request from the verified caller (its cart owner is worked out once, here). */
export function createContext(identity: Identity, deps: ContextDeps & { services: CartServices; currencyCode: string }, tags: CacheTags | null = null): CartContext {
  return { ...requestContext(deps, identity, tags), services: deps.services, currencyCode: deps.currencyCode };
}
