/**
 * What every cart service method takes first: who is calling, which cart owner they act as,
 * the clock, the request's loaders and the logger. Built once per request (`context.ts`), or
 * once per job run and internal call (`serviceContext`).
 */
import type { Identity } from '@platform/auth';
import { unauthenticated } from '@platform/errors';
import type { Logger } from '@platform/logger';
import { serviceIdentity, type BaseRequestContext, type CacheTags } from '@platform/server';
import { createCartLoaders, type CartLoaders, type Owner } from './data/carts.ts';
import type { PrismaClient } from './generated/prisma/client.ts';

export interface RequestContext extends BaseRequestContext {
  /** The cart owner the caller acts as: a user or a guest; null for anyone else. */
  owner: Owner | null;
  loaders: CartLoaders;
}

/** The cart owner an identity stands for, if any. */
export function ownerOf(identity: Identity): Owner | null {
  if (identity.kind === 'user') return { ownerType: 'USER', ownerId: identity.userId };
  if (identity.kind === 'guest') return { ownerType: 'GUEST', ownerId: identity.guestId };
  return null;
}

/** The caller's cart owner; UNAUTHENTICATED when the caller owns no cart. */
export function requireOwner(ctx: RequestContext): Owner {
  if (!ctx.owner) throw unauthenticated();
  return ctx.owner;
}

export interface ContextDeps {
  prisma: PrismaClient;
  clock: () => Date;
  logger: Logger;
}

/** The context of one request by `identity`. */
export function requestContext(deps: ContextDeps, identity: Identity, tags: CacheTags | null = null): RequestContext {
  return { identity, tags, owner: ownerOf(identity), clock: deps.clock, loaders: createCartLoaders(deps.prisma, () => tags?.noStore()), logger: deps.logger };
}

/** The context of work a platform service (or a job) does on behalf of `owner`. */
export function serviceContext(deps: ContextDeps, service: string, owner: Owner | null = null): RequestContext {
  return { ...requestContext(deps, serviceIdentity(service)), owner };
}
