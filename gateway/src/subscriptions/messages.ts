/**
 * Cart messages as this gateway routes them. Their shape and channel are defined once, by the
 * cart subgraph that publishes them (`@subgraph/cart/contract`); here they are only grouped by
 * cart owner, which is how the outbox addresses them.
 */
import type { Identity } from '@platform/auth';
import type { OwnerType } from '@subgraph/cart/contract';

export { CART_EVENTS_CHANNEL, parseCartBusMessage, type CartBusMessage, type CartClosedMessage, type CartEventMessage, type OwnerType } from '@subgraph/cart/contract';

/** Devices are grouped by the cart owner, which is how the outbox addresses its messages. */
export const ownerKey = (ownerType: OwnerType, ownerId: string): string => `${ownerType}:${ownerId}`;

/** The owner a connected identity listens for; `undefined` for identities that own no cart. */
export function ownerKeyOf(identity: Identity): string | undefined {
  if (identity.kind === 'user') return ownerKey('USER', identity.userId);
  if (identity.kind === 'guest') return ownerKey('GUEST', identity.guestId);
  return undefined;
}
