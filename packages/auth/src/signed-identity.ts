/**
 * Identity forwarded from the gateway (and between services) with every request, bound to that
 * request: two headers, the identity as base64url JSON with an issue time and a random nonce,
 * and an HMAC-SHA256 keyed by INTERNAL_SECRET over the method, the path, a SHA-256 of the body
 * and that payload. A subgraph accepts a request only with a valid signature issued within the
 * last `MAX_AGE_MS`, for exactly this method, path and body, so a captured pair of headers is
 * worth nothing on another request, and little for long on the same one; internal writes also
 * refuse a nonce they have seen (`packages/server` NonceGuard), so they cannot be replayed at all.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Identity } from './identity.ts';

export const IDENTITY_HEADER = 'x-platform-identity';
export const SIGNATURE_HEADER = 'x-platform-signature';

/** How long a signature stays valid: covers clock skew between hosts and queueing, little more. */
export const MAX_AGE_MS = 30_000;

/** What a signature covers besides the identity. */
export interface SignedRequest {
  method: string;
  /** Path and query string, as the receiver sees it in `req.url`. */
  path: string;
  /** The exact body bytes (or text) sent; none for a body-less request. */
  body?: string | Buffer | undefined;
}

/** Hex SHA-256 of a body; the empty body has a hash too. */
export const bodyHash = (body: string | Buffer | undefined): string => createHash('sha256').update(body ?? '').digest('hex');

const mac = (secret: string, method: string, path: string, hash: string, payload: string) =>
  createHmac('sha256', secret).update(`v2\n${method.toUpperCase()}\n${path}\n${hash}\n${payload}`).digest('base64url');

/** Headers that carry `identity` to another service of the platform, for this one request. */
export function signIdentity(identity: Identity, secret: string, request: SignedRequest, now = Date.now()): Record<string, string> {
  const payload = Buffer.from(JSON.stringify({ ...identity, iat: now, nonce: randomBytes(12).toString('base64url') })).toString('base64url');
  return { [IDENTITY_HEADER]: payload, [SIGNATURE_HEADER]: mac(secret, request.method, request.path, bodyHash(request.body), payload) };
}

export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureError';
  }
}

type HeaderValue = string | string[] | undefined | null;
const first = (value: HeaderValue) => (Array.isArray(value) ? value[0] : (value ?? undefined));

export interface VerifiedIdentity {
  identity: Identity;
  /** Unique per signed request: refuse a second request carrying it to make a write unreplayable. */
  nonce: string;
  issuedAt: number;
}

/**
 * Verifies the signed identity headers of a request whose method, path and body hash are
 * given; throws `SignatureError` when they are missing, forged, for another request or stale.
 */
export function verifySignedIdentity(headers: { get(name: string): HeaderValue }, secret: string, request: { method: string; path: string; bodyHash: string }, now = Date.now()): VerifiedIdentity {
  const payload = first(headers.get(IDENTITY_HEADER));
  const signature = first(headers.get(SIGNATURE_HEADER));
  if (!payload || !signature) throw new SignatureError('missing platform signature');
  const expected = Buffer.from(mac(secret, request.method, request.path, request.bodyHash, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new SignatureError('invalid platform signature');
  let parsed: Identity & { iat?: unknown; nonce?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Identity & { iat?: unknown; nonce?: unknown };
  } catch {
    throw new SignatureError('malformed identity');
  }
  if (typeof parsed.iat !== 'number' || Math.abs(now - parsed.iat) > MAX_AGE_MS) throw new SignatureError('stale platform signature');
  if (typeof parsed.nonce !== 'string' || parsed.nonce.length < 8) throw new SignatureError('malformed identity');
  const { iat, nonce, ...identity } = parsed;
  if ((identity.kind === 'user' || identity.kind === 'guest') && identity.expiresAt <= now) throw new SignatureError('identity has expired');
  return { identity: identity as Identity, nonce, issuedAt: iat };
}
