/** The cart subgraph's database: the Prisma client (its own schema) and SQL for hot paths, on one pool, counted. */
import { connectDatabase, type DatabaseSettings } from '@platform/server';
import { PrismaClient } from '../generated/prisma/client.ts';

export function createCartDb(settings: DatabaseSettings, onQuery?: () => void) {
  return connectDatabase((options) => new PrismaClient(options), { applicationName: 'cp-cart', ...settings }, onQuery);
}
