/**
 * Who is calling. The gateway establishes it once (JWT or guest token) and forwards it to
 * subgraphs in headers signed with INTERNAL_SECRET; subgraphs trust nothing else.
 */
import { forbidden, unauthenticated } from '@platform/errors';
export type Role = 'customer' | 'admin';

export type Identity =
  | { kind: 'anonymous' }
  /** `email`: the token's `email` claim when it has a plausible one (for notifications; personal data, never logged). */
  | { kind: 'user'; userId: string; role: Role; expiresAt: number; email?: string }
  | { kind: 'guest'; guestId: string; expiresAt: number }
  /** Another service of this platform, calling an internal operation. */
  | { kind: 'service'; service: string };

export const ANONYMOUS: Identity = { kind: 'anonymous' };

export const isAdmin = (identity: Identity): boolean => identity.kind === 'user' && identity.role === 'admin';

/** The caller's user id when an admin is calling; otherwise FORBIDDEN (UNAUTHENTICATED when anonymous). */
export function requireAdmin(identity: Identity): string {
  if (identity.kind === 'anonymous') throw unauthenticated('Sign in as an administrator.');
  if (!isAdmin(identity) || identity.kind !== 'user') throw forbidden('Only administrators may do this.');
  return identity.userId;
}
