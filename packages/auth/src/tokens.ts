/**
 * User JWTs (HS256, `sub` = user id, `exp` required) and server-issued guest tokens. Guest tokens
 * are JWTs too, but with their own audience, so neither kind can stand in for the other.
 */
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Identity, Role } from './identity.ts';

const ISSUER = 'cart-platform';
const GUEST_AUDIENCE = 'cart-platform:guest';
const encoder = new TextEncoder();
const keyCache = new Map<string, Uint8Array>();
const keyOf = (secret: string): Uint8Array => {
  let key = keyCache.get(secret);
  if (!key) keyCache.set(secret, (key = encoder.encode(secret)));
  return key;
};

/** Why a token was refused; shown to clients, so it names no internals. */
export class TokenError extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'Your session has expired; sign in again.' : 'The credentials sent are not valid.');
    this.name = 'TokenError';
  }
}

function toTokenError(error: unknown): TokenError {
  return new TokenError(error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid');
}

/** A usable `email` claim, or undefined: a short string with one `@` and no spaces or angle brackets (it ends up in a mail header). */
function emailClaim(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 254) return undefined;
  return /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/.test(value) ? value : undefined;
}

/** Verifies a user's bearer JWT. Any HS256 token with `sub` and `exp` signed with the secret is a user. */
export async function verifyUserToken(token: string, secret: string): Promise<Extract<Identity, { kind: 'user' }>> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] });
    const aud = payload.aud;
    if (aud === GUEST_AUDIENCE || (Array.isArray(aud) && aud.includes(GUEST_AUDIENCE))) throw new TokenError('invalid');
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 128) throw new TokenError('invalid');
    const role: Role = payload.role === 'admin' ? 'admin' : 'customer';
    const email = emailClaim(payload.email);
    return { kind: 'user', userId: payload.sub, role, expiresAt: payload.exp! * 1000, ...(email ? { email } : {}) };
  } catch (error) {
    throw error instanceof TokenError ? error : toTokenError(error);
  }
}

/** Signs a user JWT: for `npm run token`, tests and benchmarks. */
export async function signUserToken(
  secret: string,
  claims: { userId: string; role?: Role; email?: string; expiresInSeconds?: number; now?: Date },
): Promise<string> {
  const now = Math.floor((claims.now ?? new Date()).getTime() / 1000);
  const jwt = new SignJWT({ ...(claims.role === 'admin' ? { role: 'admin' } : {}), ...(claims.email ? { email: claims.email } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresInSeconds ?? 3600));
  return jwt.sign(keyOf(secret));
}

/** Issues the token of a guest session; it names the session and expires with it. */
export async function signGuestToken(secret: string, guestId: string, expiresAt: Date): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(guestId)
    .setIssuer(ISSUER)
    .setAudience(GUEST_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(keyOf(secret));
}

/** Verifies a guest token and returns the guest session it names. */
export async function verifyGuestToken(token: string, secret: string): Promise<Extract<Identity, { kind: 'guest' }>> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: GUEST_AUDIENCE,
      requiredClaims: ['sub', 'exp'],
    });
    return { kind: 'guest', guestId: payload.sub!, expiresAt: payload.exp! * 1000 };
  } catch (error) {
    throw toTokenError(error);
  }
}
