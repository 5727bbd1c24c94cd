/**
 * What the cart subgraph's outbox publishes on Redis (`subgraphs/cart/src/services/events.ts`),
 * read defensively: a message this gateway does not understand is ignored, never fatal.
 */
import type { Identity } from '@platform/auth';

/** The channel (under the deployment's `REDIS_KEY_PREFIX`) the cart outbox publishes on. */
export const CART_EVENTS_CHANNEL = 'cart-events';

export type OwnerType = 'USER' | 'GUEST';

/** One committed cart change. */
export interface CartEventMessage {
  kind: 'event';
  cartId: string;
  ownerType: OwnerType;
  ownerId: string;
  version: number;
  type: string;
  /** Commit time (ISO-8601). */
  at: string;
}

/** A cart that no longer exists for its owner (a guest cart merged into a user's cart). */
export interface CartClosedMessage {
  kind: 'cart-closed';
  ownerType: OwnerType;
  ownerId: string;
  reason: string;
}

export type CartBusMessage = CartEventMessage | CartClosedMessage;

/** Devices are grouped by the cart owner, which is how the outbox addresses its messages. */
export const ownerKey = (ownerType: OwnerType, ownerId: string): string => `${ownerType}:${ownerId}`;

/** The owner a connected identity listens for; `undefined` for identities that own no cart. */
export function ownerKeyOf(identity: Identity): string | undefined {
  if (identity.kind === 'user') return ownerKey('USER', identity.userId);
  if (identity.kind === 'guest') return ownerKey('GUEST', identity.guestId);
  return undefined;
}

const isOwnerType = (value: unknown): value is OwnerType => value === 'USER' || value === 'GUEST';
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Parses one Redis message; `undefined` when it is not JSON or not a shape this gateway knows. */
export function parseCartBusMessage(text: string): CartBusMessage | undefined {
  let raw: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    raw = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!isOwnerType(raw.ownerType) || !isText(raw.ownerId)) return undefined;
  if (raw.kind === 'cart-closed') return { kind: 'cart-closed', ownerType: raw.ownerType, ownerId: raw.ownerId, reason: isText(raw.reason) ? raw.reason : 'CLOSED' };
  if (raw.kind !== undefined) return undefined;
  if (!isText(raw.cartId) || !Number.isSafeInteger(raw.version) || (raw.version as number) < 1 || !isText(raw.type)) return undefined;
  return {
    kind: 'event',
    cartId: raw.cartId,
    ownerType: raw.ownerType,
    ownerId: raw.ownerId,
    version: raw.version as number,
    type: raw.type,
    at: isText(raw.at) ? raw.at : new Date().toISOString(),
  };
}
