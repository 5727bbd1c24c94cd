/**
 * What every service method of every subgraph takes first (Vendure's `RequestContext`): who is
 * calling, the clock and the logger. Each subgraph extends it with its per-request loaders (and
 * the cart with the cart owner), builds it once per request in its `context.ts`, and builds one
 * for each internal call and job run with `serviceIdentity`.
 */
import type { Identity } from '@platform/auth';
import type { Logger } from '@platform/logger';
import type { CacheTags } from './cache-tags.ts';

export interface BaseRequestContext {
  identity: Identity;
  clock: () => Date;
  logger: Logger;
  /** The cache tags of what this request reads, when the gateway asked for them (`null` otherwise). */
  tags: CacheTags | null;
}

/** The identity of work a platform service (or one of its jobs) does: `service` names it. */
export const serviceIdentity = (service: string): Extract<Identity, { kind: 'service' }> => ({ kind: 'service', service });
