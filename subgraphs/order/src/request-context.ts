/** What every order service method takes first: the caller, the clock, this request's loaders and the logger. */
import type { Identity } from '@platform/auth';
import { unauthenticated } from '@platform/errors';
import type { Logger } from '@platform/logger';
import { serviceIdentity, type BaseRequestContext, type CacheTags } from '@platform/server';
import { createOrderLoaders, type OrderLoaders } from './data/orders.ts';
import type { PrismaClient } from './generated/prisma/client.ts';

export interface RequestContext extends BaseRequestContext {
  loaders: OrderLoaders;
}

export interface ContextDeps {
  prisma: PrismaClient;
  clock: () => Date;
  logger: Logger;
}

/** The context of one request by `identity`, with fresh loaders. */
export function requestContext(deps: ContextDeps, identity: Identity, tags: CacheTags | null = null): RequestContext {
  return { identity, tags, clock: deps.clock, logger: deps.logger, loaders: createOrderLoaders(deps.prisma) };
}

/** The context of a job of this subgraph (the checkout recovery). */
export const serviceContext = (deps: ContextDeps, service: string): RequestContext => requestContext(deps, serviceIdentity(service));

/** Orders belong to signed-in users; guests and anonymous callers have none (UNAUTHENTICATED). */
export function requireUser(ctx: RequestContext, message = 'Sign in to see your orders.'): string {
  if (ctx.identity.kind !== 'user') throw unauthenticated(message);
  return ctx.identity.userId;
}
