/** Guest sessions: a server-side row plus a signed token naming it. */
import { signGuestToken } from '@platform/auth';
import type { PrismaClient } from '../generated/prisma/client.ts';

export async function startGuestSession(prisma: PrismaClient, settings: { jwtSecret: string; days: number; now?: Date }) {
  const expiresAt = new Date((settings.now ?? new Date()).getTime() + settings.days * 86_400_000);
  const session = await prisma.guestSession.create({ data: { expiresAt } });
  return { token: await signGuestToken(settings.jwtSecret, session.id, expiresAt), expiresAt };
}
