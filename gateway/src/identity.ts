/**
 * Establishes the caller once per request: a `Bearer` user JWT, else an `x-guest-token`, else
 * anonymous. A credential that is present but invalid or expired is refused outright rather
 * than silently downgraded to anonymous.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { LRUCache } from 'lru-cache';
import { ANONYMOUS, TokenError, verifyGuestToken, verifyUserToken, type Identity } from '@platform/auth';
import { HttpError } from '@platform/server';

export const GUEST_TOKEN_HEADER = 'x-guest-token';

/** Credentials as they arrive on HTTP headers or in a graphql-ws `connection_init` payload. */
export interface Credentials {
  authorization?: string | undefined;
  guestToken?: string | undefined;
}

export function credentialsFromHeaders(headers: IncomingHttpHeaders): Credentials {
  const guest = headers[GUEST_TOKEN_HEADER];
  return { authorization: headers.authorization, guestToken: Array.isArray(guest) ? guest[0] : guest };
}

/** Verifies credentials; throws `TokenError` for a bad or expired one. */
export async function resolveIdentity(credentials: Credentials, jwtSecret: string): Promise<Identity> {
  const auth = credentials.authorization?.trim();
  if (auth) {
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!match) throw new TokenError('invalid');
    return verifyUserToken(match[1]!, jwtSecret);
  }
  if (credentials.guestToken) return verifyGuestToken(credentials.guestToken.trim(), jwtSecret);
  return ANONYMOUS;
}

/** HTTP flavour: a refused credential becomes a 401 with a GraphQL `UNAUTHENTICATED` body. */
export async function identityFromRequest(headers: IncomingHttpHeaders, jwtSecret: string): Promise<Identity> {
  try {
    return await resolveIdentity(credentialsFromHeaders(headers), jwtSecret);
  } catch (error) {
    if (error instanceof TokenError) throw new HttpError(401, error.message, 'UNAUTHENTICATED');
    throw error;
  }
}

/**
 * `identityFromRequest` that remembers what each credential verified as, for at most
 * `rememberMs` and never past the credential's own expiry: a device sending the same token on
 * every request pays for one signature check, not one per request. Refusals are not remembered.
 */
export function rememberingIdentity(jwtSecret: string, options: { max?: number; rememberMs?: number } = {}) {
  // A 100 ms clock for the remembering (every hit checks the credential's own expiry exactly).
  const verified = new LRUCache<string, Identity & { expiresAt: number }>({ max: options.max ?? 50_000, ttl: options.rememberMs ?? 60_000, ttlResolution: 100 });
  return async (headers: IncomingHttpHeaders): Promise<Identity> => {
    const { authorization, guestToken } = credentialsFromHeaders(headers);
    const key = authorization ? `a ${authorization}` : guestToken ? `g ${guestToken}` : undefined;
    if (key === undefined) return ANONYMOUS;
    const known = verified.get(key);
    if (known && known.expiresAt > Date.now()) return known;
    const identity = await identityFromRequest(headers, jwtSecret);
    if (identity.kind === 'user' || identity.kind === 'guest') verified.set(key, identity, { ttl: Math.max(1, Math.min(options.rememberMs ?? 60_000, identity.expiresAt - Date.now())) });
    return identity;
  };
}
