/**
 * The platform's business events as they travel on the stream (NATS JetStream) and to partner
 * webhooks: one versioned JSON envelope `{ id, type, occurredAt, version, data }`, one data shape
 * per type. This is the one definition: every outbox publisher builds envelopes with it, every
 * consumer and test parses them with it, and `schema/events.schema.json` is generated from it
 * (`npm run events:schema`). Schema and types only.
 *
 * Compatibility: `version` is the version of the envelope and its data shape. Additive changes
 * (a new optional field, a new type) keep the version; anything else adds a version, and
 * consumers skip versions they do not know.
 */
import { z } from 'zod';

/** The envelope version this code writes. */
export const EVENT_VERSION = 1;

const id = z.string().min(1).max(128);
// Any 8-4-4-4-12 hex id: ids come from several generators (Postgres, Prisma, seeds).
const uuid = z.guid();
const dateTime = z.string().datetime({ offset: true });
const decimal = z.string().regex(/^-?\d+(\.\d{1,2})?$/, 'an exact decimal string such as "29.99"');
const money = z.object({ amount: decimal, currencyCode: z.string().length(3) }).strict();

/** Which cart, whose, and at which cart version the event happened. */
const cartRef = {
  cartId: uuid,
  /** The cart's version after the change (for `cart.abandoned`: the version left idle). */
  cartVersion: z.number().int().min(0),
  ownerType: z.enum(['USER', 'GUEST']),
  /** The user id, or the guest session id. */
  ownerId: id,
};
const lineChange = z.object({ ...cartRef, lineId: uuid, productId: uuid, quantity: z.number().int().min(0) }).strict();

/** The data shape of every event type. */
export const EVENT_DATA = {
  'cart.line_added': lineChange,
  'cart.line_updated': lineChange,
  'cart.line_removed': z.object({ ...cartRef, lineId: uuid, productId: uuid }).strict(),
  'cart.line_saved_for_later': lineChange,
  'cart.line_moved_to_cart': lineChange,
  'cart.cleared': z.object(cartRef).strict(),
  'cart.coupon_applied': z.object({ ...cartRef, code: z.string().min(1) }).strict(),
  'cart.coupon_removed': z.object({ ...cartRef, code: z.string().min(1) }).strict(),
  'cart.shipping_country_set': z.object({ ...cartRef, country: z.string().length(2) }).strict(),
  'cart.merged': z
    .object({
      ...cartRef,
      /** What happened to each active line of the guest cart. */
      outcomes: z.array(z.object({ productId: uuid, outcome: z.enum(['ADDED', 'COMBINED', 'CAPPED', 'DROPPED_UNAVAILABLE']), quantity: z.number().int().min(0) }).strict()),
    })
    .strict(),
  'cart.checked_out': z.object({ ...cartRef, checkoutId: uuid }).strict(),
  'cart.abandoned': z
    .object({
      ...cartRef,
      /** When the cart last changed. */
      idleSince: dateTime,
      lineCount: z.number().int().min(1),
      totalQuantity: z.number().int().min(1),
    })
    .strict(),
  'order.paid': z
    .object({
      orderId: uuid,
      number: z.string().min(1),
      userId: id,
      checkoutId: uuid,
      cartId: uuid.nullable(),
      total: money,
      couponCodes: z.array(z.string()),
      lines: z.array(z.object({ productId: uuid, sku: z.string(), quantity: z.number().int().min(1), unitPrice: money }).strict()),
    })
    .strict(),
  'order.cancelled': z.object({ orderId: uuid, number: z.string().min(1), userId: id, total: money, cancelledAt: dateTime }).strict(),
  'product.price_changed': z.object({ productId: uuid, price: money, previousPrice: money.nullable() }).strict(),
  'product.stock_changed': z
    .object({
      productId: uuid,
      onHand: z.number().int().min(0),
      reserved: z.number().int().min(0),
      available: z.number().int().min(0),
      onHandDelta: z.number().int(),
      reservedDelta: z.number().int(),
      reason: z.enum(['SET_STOCK', 'RESERVE', 'RELEASE', 'EXPIRE', 'CONSUME', 'RESTOCK', 'SEED']),
    })
    .strict(),
} as const;

export type EventType = keyof typeof EVENT_DATA;
export const EVENT_TYPES = Object.keys(EVENT_DATA) as EventType[];
export const isEventType = (value: string): value is EventType => Object.hasOwn(EVENT_DATA, value);

export type EventData<T extends EventType = EventType> = z.infer<(typeof EVENT_DATA)[T]>;

const envelopeOf = <T extends EventType>(type: T) =>
  z
    .object({
      /** Unique and stable per event: a replay carries the same id (JetStream de-duplicates on it; consumers too). */
      id,
      type: z.literal(type),
      /** When the change committed (ISO-8601). */
      occurredAt: dateTime,
      version: z.literal(EVENT_VERSION),
      data: EVENT_DATA[type],
    })
    .strict();

/** Every envelope, discriminated by `type`. */
export const eventEnvelope = z.discriminatedUnion(
  'type',
  EVENT_TYPES.map((type) => envelopeOf(type)) as unknown as [ReturnType<typeof envelopeOf<'cart.line_added'>>, ...ReturnType<typeof envelopeOf<EventType>>[]],
);

/** One event as it travels. */
export type EventEnvelope = { [T in EventType]: { id: string; type: T; occurredAt: string; version: typeof EVENT_VERSION; data: EventData<T> } }[EventType];

/** Builds and validates an envelope (a publisher bug throws here, before anything leaves). */
export function envelope<T extends EventType>(type: T, eventId: string, occurredAt: Date, data: EventData<T>): EventEnvelope {
  return eventEnvelope.parse({ id: eventId, type, occurredAt: occurredAt.toISOString(), version: EVENT_VERSION, data }) as EventEnvelope;
}

/** Parses a received message body; `undefined` when it is not JSON or not an envelope this code knows. */
export function parseEnvelope(raw: string | Uint8Array): EventEnvelope | undefined {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
  } catch {
    return undefined;
  }
  const parsed = eventEnvelope.safeParse(json);
  return parsed.success ? (parsed.data as EventEnvelope) : undefined;
}

/** The subject an event type is published on: `<prefix>.<type>`, e.g. `cp.events.cart.line_added`. */
export const subjectOf = (prefix: string, type: EventType): string => `${prefix}.${type}`;

/** The subject filter covering every event under a prefix. */
export const allSubjects = (prefix: string): string => `${prefix}.>`;

/** The JSON Schema of the envelope (what `schema/events.schema.json` holds). */
export function envelopeJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://cart-platform.local/schema/events.schema.json',
    title: 'Cart platform business event',
    description: 'The envelope of every event on the stream and in every webhook delivery: { id, type, occurredAt, version, data }.',
    ...z.toJSONSchema(eventEnvelope, { target: 'draft-2020-12' }),
  };
}
