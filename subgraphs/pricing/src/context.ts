/** Per-request context of the pricing subgraph: the request context every service takes, plus the services. */
import type { Identity } from '@platform/auth';
import type { CacheTags } from '@platform/server';
import { requestContext, type ContextDeps, type RequestContext } from './request-context.ts';
import type { PricingServices } from './services/index.ts';

export interface PricingContext extends RequestContext {
  services: PricingServices;
  currencyCode: string;
}

/** Builds the context of one request from the verified caller. */
export function createContext(identity: Identity, deps: ContextDeps & { services: PricingServices; currencyCode: string }, tags: CacheTags | null = null): PricingContext {
  return { ...requestContext(deps, identity, tags), services: deps.services, currencyCode: deps.currencyCode };
}
