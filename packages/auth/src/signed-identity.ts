/**
 * Identity forwarded from the gateway (and between services) in two headers: the identity as
 * base64url JSON with an issue time, and an HMAC-SHA256 of it keyed by INTERNAL_SECRET. A
 * subgraph accepts a request only with a valid, fresh signature, so a forged identity sent
 * straight to a subgraph is refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Identity } from './identity.ts';

export const IDENTITY_HEADER = 'x-platform-identity';
export const SIGNATURE_HEADER = 'x-platform-signature';

/** How long a signed identity stays valid: covers clock skew and slow requests, limits replay. */
const MAX_AGE_MS = 5 * 60_000;

const hmac = (secret: string, payload: string) => createHmac('sha256', secret).update(`v1.${payload}`).digest('base64url');

/** Headers that carry `identity` to another service of the platform. */
export function signIdentity(identity: Identity, secret: string, now = Date.now()): Record<string, string> {
  const payload = Buffer.from(JSON.stringify({ ...identity, iat: now })).toString('base64url');
  return { [IDENTITY_HEADER]: payload, [SIGNATURE_HEADER]: hmac(secret, payload) };
}

export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureError';
  }
}

type HeaderValue = string | string[] | undefined | null;
const first = (value: HeaderValue) => (Array.isArray(value) ? value[0] : (value ?? undefined));

/** Verifies the signed identity headers; throws `SignatureError` when missing, forged or stale. */
export function verifySignedIdentity(headers: { get(name: string): HeaderValue } , secret: string, now = Date.now()): Identity {
  const payload = first(headers.get(IDENTITY_HEADER));
  const signature = first(headers.get(SIGNATURE_HEADER));
  if (!payload || !signature) throw new SignatureError('missing platform signature');
  const expected = Buffer.from(hmac(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new SignatureError('invalid platform signature');
  let parsed: Identity & { iat?: number };
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Identity & { iat?: number };
  } catch {
    throw new SignatureError('malformed identity');
  }
  if (typeof parsed.iat !== 'number' || Math.abs(now - parsed.iat) > MAX_AGE_MS) throw new SignatureError('stale platform signature');
  const { iat: _iat, ...identity } = parsed;
  if ((identity.kind === 'user' || identity.kind === 'guest') && identity.expiresAt <= now) throw new SignatureError('identity has expired');
  return identity as Identity;
}
