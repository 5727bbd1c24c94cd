/**
 * Who a WebSocket connection belongs to. Devices authenticate in `connection_init` with the same
 * credentials as HTTP, and the connection stays bound to that identity: it ends (4403, so a
 * graphql-ws client reconnects with fresh credentials) when the token expires.
 */
import { TokenError, type Identity } from '@platform/auth';
import { resolveIdentity, GUEST_TOKEN_HEADER, type Credentials } from '../identity.ts';

/** graphql-ws's close code for refused credentials; clients retry it with fresh ones. */
export const FORBIDDEN = 4403;

export type ConnectionIdentity = { identity: Extract<Identity, { kind: 'user' } | { kind: 'guest' }> } | { refused: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Credentials from a `connection_init` payload: `authorization` ("Bearer …") or `x-guest-token`
 * (also `guestToken`), at the top level or under `headers`; names are case-insensitive.
 * `undefined` when a credential is present but not a string.
 */
export function credentialsFromConnectionParams(params: unknown): Credentials | undefined {
  if (params === undefined || params === null) return {};
  if (!isRecord(params)) return undefined;
  const fields = new Map<string, unknown>();
  for (const source of [isRecord(params.headers) ? params.headers : {}, params]) for (const [name, value] of Object.entries(source)) fields.set(name.toLowerCase(), value);
  const authorization = fields.get('authorization');
  const guestToken = fields.get(GUEST_TOKEN_HEADER) ?? fields.get('guesttoken');
  if ((authorization !== undefined && typeof authorization !== 'string') || (guestToken !== undefined && typeof guestToken !== 'string')) return undefined;
  return { authorization, guestToken };
}

/** Verifies a connection's credentials; a cart needs an owner, so anonymous is refused too. */
export async function authenticateConnection(params: unknown, jwtSecret: string): Promise<ConnectionIdentity> {
  const credentials = credentialsFromConnectionParams(params);
  if (!credentials) return { refused: 'Forbidden: malformed credentials' };
  let identity: Identity;
  try {
    identity = await resolveIdentity(credentials, jwtSecret);
  } catch (error) {
    if (error instanceof TokenError) return { refused: error.reason === 'expired' ? 'Forbidden: session expired' : 'Forbidden: invalid credentials' };
    throw error;
  }
  if (identity.kind !== 'user' && identity.kind !== 'guest') return { refused: 'Forbidden: send a user token or a guest token in connection_init' };
  return { identity };
}

// setTimeout holds at most 2^31-1 ms (about 24.8 days); guest sessions can outlive that.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `onExpired` when `expiresAt` (epoch ms) passes; returns a cancel function. */
export function whenExpired(expiresAt: number, onExpired: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const remaining = expiresAt - Date.now();
    if (remaining <= 0) return onExpired();
    timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
