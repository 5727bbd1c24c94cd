/** Per-request context of the order subgraph. */
import type { Identity } from '@platform/auth';
import type { PrismaClient } from './generated/prisma/client.ts';

export interface OrderContext {
  identity: Identity;
  prisma: PrismaClient;
}
