/** The product subgraph's Prisma client (catalog schema) with SQL counting. */
import { countSql, prismaOptions, type DatabaseSettings } from '@platform/server';
import { PrismaClient } from '../generated/prisma/client.ts';

export type ProductDb = ReturnType<typeof createProductDb>;

export function createProductDb(settings: DatabaseSettings, onQuery?: () => void) {
  const prisma = new PrismaClient(prismaOptions(settings));
  const sql = countSql(prisma, onQuery);
  return { prisma, sql };
}
