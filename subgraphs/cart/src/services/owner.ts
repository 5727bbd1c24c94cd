/** Maps the caller's identity to a cart owner; anyone else has no cart. */
import type { Identity } from '@platform/auth';
import { unauthenticated } from '@platform/errors';
import type { Owner } from '../data/carts.ts';

export function ownerOf(identity: Identity): Owner {
  if (identity.kind === 'user') return { ownerType: 'USER', ownerId: identity.userId };
  if (identity.kind === 'guest') return { ownerType: 'GUEST', ownerId: identity.guestId };
  throw unauthenticated();
}
