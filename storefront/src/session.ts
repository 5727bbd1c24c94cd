/**
 * Who is shopping: a guest (a token from `startGuestSession`) until they sign in with the demo
 * login, then a user. Kept in localStorage so a reload (and every tab) keeps the same cart.
 */
import { createCartClient, type CartClient } from '@cart-platform/sdk';
import type { StoreConfig } from './config.ts';

export type Identity = { kind: 'guest'; token: string; expiresAt: string } | { kind: 'user'; token: string; userId: string; name: string; expiresAt: string };

export const IDENTITY_KEY = 'storefront.identity';

/** The stored identity, unless missing or expired. */
export function loadIdentity(): Identity | undefined {
  try {
    const identity = JSON.parse(localStorage.getItem(IDENTITY_KEY) ?? 'null') as Identity | null;
    if (!identity || Date.parse(identity.expiresAt) <= Date.now() + 60_000) return undefined;
    return identity;
  } catch {
    return undefined;
  }
}

export function saveIdentity(identity: Identity): void {
  localStorage.setItem(IDENTITY_KEY, JSON.stringify(identity));
}

/** A client for the caller `identity` stands for (none: anonymous, for the catalog only). */
export function clientFor(config: StoreConfig, identity: Identity | undefined): CartClient {
  return createCartClient({
    url: config.gatewayUrl,
    wsUrl: config.gatewayWsUrl,
    webSocketImpl: WebSocket,
    ...(identity?.kind === 'user' ? { token: identity.token } : identity ? { guestToken: identity.token } : {}),
  });
}

/** Starts a new guest session through the public API. */
export async function startGuest(config: StoreConfig): Promise<Identity> {
  const { startGuestSession } = await clientFor(config, undefined).startGuestSession();
  return { kind: 'guest', token: startGuestSession.token, expiresAt: String(startGuestSession.expiresAt) };
}

/** Asks the storefront server's demo login for a user token. */
export async function demoLogin(name: string): Promise<Extract<Identity, { kind: 'user' }>> {
  const response = await fetch('/api/demo-login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  const body = (await response.json()) as { token?: string; userId?: string; name?: string; expiresAt?: string; error?: string };
  if (!response.ok || !body.token || !body.userId || !body.expiresAt) throw new Error(body.error ?? `sign-in failed (${response.status})`);
  return { kind: 'user', token: body.token, userId: body.userId, name: body.name ?? name, expiresAt: body.expiresAt };
}
