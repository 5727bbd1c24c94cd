/** Guest sessions: a server-side row plus a signed token naming it. */
import { signGuestToken } from '@platform/auth';
import { insertGuestSession } from '../data/guest-sessions.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { RequestContext } from '../request-context.ts';

export class GuestSessionService {
  constructor(private readonly deps: { prisma: PrismaClient; jwtSecret: string; days: number }) {}

  /** Starts a guest session; its token is signed, so only this platform can have issued it. */
  async start(ctx: RequestContext): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(ctx.clock().getTime() + this.deps.days * 86_400_000);
    const session = await insertGuestSession(this.deps.prisma, expiresAt);
    return { token: await signGuestToken(this.deps.jwtSecret, session.id, expiresAt), expiresAt };
  }
}
