/**
 * What the cart publishes on Redis for live sync, and on which channel: one definition for the
 * publisher (the cart outbox, `../services/event-publisher.ts`) and the subscribers (every gateway,
 * `gateway/src/subscriptions/`). Subscribers read it defensively: a message they do not
 * understand is ignored, never fatal.
 */
import { z } from '@platform/config';

/** The channel (under the deployment's `REDIS_KEY_PREFIX`) the cart outbox publishes on. */
export const CART_EVENTS_CHANNEL = 'cart-events';

const ownerType = z.enum(['USER', 'GUEST']);
export type OwnerType = z.infer<typeof ownerType>;

const text = z.string().min(1);

/** One committed cart change: enough for a gateway to find the owner's devices and order updates. */
export const cartEventMessage = z.object({
  kind: z.literal('event'),
  cartId: text,
  ownerType,
  ownerId: text,
  version: z.number().int().min(1),
  type: text,
  /** Commit time (ISO-8601). */
  at: text,
  lineId: z.string().nullable(),
  productId: z.string().nullable(),
  quantity: z.number().int().nullable(),
  payload: z.unknown(),
});

/** A cart that no longer exists for its owner (a guest cart merged into a user's cart). */
export const cartClosedMessage = z.object({
  kind: z.literal('cart-closed'),
  ownerType,
  ownerId: text,
  reason: text,
  mergedIntoCartId: z.string().nullable(),
});

export const cartBusMessage = z.discriminatedUnion('kind', [cartEventMessage, cartClosedMessage]);

export type CartEventMessage = z.infer<typeof cartEventMessage>;
export type CartClosedMessage = z.infer<typeof cartClosedMessage>;
export type CartBusMessage = z.infer<typeof cartBusMessage>;

/** Parses one Redis message; `undefined` when it is not JSON or not a shape defined here. */
export function parseCartBusMessage(raw: string): CartBusMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = cartBusMessage.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
