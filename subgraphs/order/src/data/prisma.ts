/** The order subgraph's Prisma client (orders schema) with SQL counting. */
import { countSql, prismaOptions, type DatabaseSettings } from '@platform/server';
import { PrismaClient } from '../generated/prisma/client.ts';

export function createOrderDb(settings: DatabaseSettings, onQuery?: () => void) {
  const prisma = new PrismaClient(prismaOptions(settings));
  return { prisma, sql: countSql(prisma, onQuery) };
}
