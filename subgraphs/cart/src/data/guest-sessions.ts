/** Guest sessions in Postgres: a row per session, named by the signed guest token. */
import type { GuestSession, PrismaClient } from '../generated/prisma/client.ts';

export function insertGuestSession(prisma: PrismaClient, expiresAt: Date): Promise<GuestSession> {
  return prisma.guestSession.create({ data: { expiresAt } });
}
