import { describe, expect, it } from 'vitest';
import { bodyHash, MAX_AGE_MS, signGuestToken, signIdentity, signUserToken, verifyGuestToken, verifySignedIdentity, verifyUserToken, TokenError, SignatureError } from './index.ts';

const SECRET = 'unit-test-secret-0123456789-0123456789-xyz';
const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] });

describe('user tokens', () => {
  it('round-trips sub and the admin role', async () => {
    const identity = await verifyUserToken(await signUserToken(SECRET, { userId: 'u1', role: 'admin' }), SECRET);
    expect(identity).toMatchObject({ kind: 'user', userId: 'u1', role: 'admin' });
  });

  it('refuses an expired token with reason "expired"', async () => {
    const token = await signUserToken(SECRET, { userId: 'u1', expiresInSeconds: 10, now: new Date(Date.now() - 60_000) });
    await expect(verifyUserToken(token, SECRET)).rejects.toMatchObject({ reason: 'expired' });
  });

  it('refuses a token without exp', async () => {
    const { SignJWT } = await import('jose');
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').sign(new TextEncoder().encode(SECRET));
    await expect(verifyUserToken(token, SECRET)).rejects.toBeInstanceOf(TokenError);
  });

  it('refuses alg "none" and other algorithms', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'u1', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    await expect(verifyUserToken(`${header}.${payload}.`, SECRET)).rejects.toBeInstanceOf(TokenError);
  });

  it('guest and user tokens cannot stand in for each other', async () => {
    const guest = await signGuestToken(SECRET, 'g1', new Date(Date.now() + 60_000));
    await expect(verifyUserToken(guest, SECRET)).rejects.toBeInstanceOf(TokenError);
    await expect(verifyGuestToken(await signUserToken(SECRET, { userId: 'u1' }), SECRET)).rejects.toBeInstanceOf(TokenError);
    expect(await verifyGuestToken(guest, SECRET)).toMatchObject({ kind: 'guest', guestId: 'g1' });
  });
});

describe('signed identity headers', () => {
  const identity = { kind: 'user' as const, userId: 'u1', role: 'customer' as const, expiresAt: Date.now() + 60_000 };
  const request = { method: 'POST', path: '/graphql', body: '{"query":"{ cart { id } }"}' };
  const seen = (overrides: Partial<{ method: string; path: string; body: string }> = {}) => {
    const r = { ...request, ...overrides };
    return { method: r.method, path: r.path, bodyHash: bodyHash(r.body) };
  };

  it('verifies what was signed, for the request it was signed for', () => {
    const verified = verifySignedIdentity(headers(signIdentity(identity, SECRET, request)), SECRET, seen());
    expect(verified.identity).toEqual(identity);
    expect(verified.nonce).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('refuses a payload edited after signing', () => {
    const signed = signIdentity(identity, SECRET, request);
    const edited = Buffer.from(JSON.stringify({ ...identity, userId: 'u2', iat: Date.now(), nonce: 'abcdefghijklmnop' })).toString('base64url');
    expect(() => verifySignedIdentity(headers({ ...signed, 'x-platform-identity': edited }), SECRET, seen())).toThrow(SignatureError);
  });

  it('refuses the signature on another body, path or method', () => {
    const signed = headers(signIdentity(identity, SECRET, request));
    expect(() => verifySignedIdentity(signed, SECRET, seen({ body: '{"query":"{ orders { totalCount } }"}' }))).toThrow(SignatureError);
    expect(() => verifySignedIdentity(signed, SECRET, seen({ path: '/internal/reserve' }))).toThrow(SignatureError);
    expect(() => verifySignedIdentity(signed, SECRET, seen({ method: 'GET' }))).toThrow(SignatureError);
  });

  it('refuses a signature older than the window', () => {
    const signed = signIdentity(identity, SECRET, request, Date.now() - MAX_AGE_MS - 1_000);
    expect(() => verifySignedIdentity(headers(signed), SECRET, seen())).toThrow(/stale/);
  });

  it('refuses a user identity whose token has expired since', () => {
    const signed = signIdentity({ ...identity, expiresAt: Date.now() - 1 }, SECRET, request);
    expect(() => verifySignedIdentity(headers(signed), SECRET, seen())).toThrow(/expired/);
  });
});

describe('the email claim', () => {
  it('a user token with an email claim carries it in the identity; one without has none', async () => {
    const withEmail = await verifyUserToken(await signUserToken(SECRET, { userId: 'u1', email: 'ana@example.com' }), SECRET);
    const without = await verifyUserToken(await signUserToken(SECRET, { userId: 'u2' }), SECRET);
    expect([withEmail.email, 'email' in without]).toEqual(['ana@example.com', false]);
  });

  it('a claim that is not a plausible address (header injection, no @) is ignored', async () => {
    const { SignJWT } = await import('jose');
    const sign = (email: unknown) => new SignJWT({ email }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
    const emails = await Promise.all(['a@b.co\r\nBcc: x@y.z', 'not-an-email', 42, 'x'.repeat(250) + '@b.co'].map(async (e) => (await verifyUserToken(await sign(e), SECRET)).email));
    expect(emails).toEqual([undefined, undefined, undefined, undefined]);
  });
});
