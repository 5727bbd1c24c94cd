/**
 * The product subgraph's internal operations, as its callers (cart, order) see them: the input
 * and answer schema of each, the types inferred from them, and a typed client. Served by
 * `../internal.ts`. Schemas and types only: nothing here knows how stock is kept.
 *
 *   availability {productIds}                       -> {items: [{productId, exists, availableQuantity}]}
 *   products     {productIds}                       -> {items: [{productId, sku, name}]} for those that exist
 *   reserve      {checkoutKey, lines, ttlSeconds?}  -> {ok: true, status, expiresAt, lines, products} | {ok: false, shortages}
 *   consume | release | restock {checkoutKey}       -> {ok, status, lines}
 *
 * A checkout key reused for other lines is refused with 409 CHECKOUT_KEY_REUSED.
 */
import { z } from '@platform/config';
import { createContractClient, defineContract, type ContractClient, type InternalClientOptions, type OutputOf } from '@platform/server';

/** Most products one call may name; a cart holds at most 100 lines. */
export const MAX_ITEMS = 200;

/** Ids as Postgres prints them (lower case), so they match cache keys, sort orders and stored rows. */
const productId = z
  .string()
  .uuid()
  .transform((id) => id.toLowerCase());
const productIds = z.object({ productIds: z.array(productId).min(1).max(MAX_ITEMS) });
const checkoutKey = z.string().trim().min(1).max(200);
const keyBody = z.object({ checkoutKey });

const stockLine = z.object({ productId, quantity: z.number().int().positive().max(100_000) });
const shortage = z.object({ productId: z.string(), requested: z.number().int(), available: z.number().int().min(0) });
const snapshot = z.object({ productId: z.string(), sku: z.string(), name: z.string() });
const reservationStatus = z.enum(['ACTIVE', 'CONSUMED', 'RELEASED', 'EXPIRED', 'RETURNED']);
const keyOutcome = z.object({
  /** True when the key is now in the state the caller asked for (or an equivalent one). */
  ok: z.boolean(),
  status: z.union([reservationStatus, z.literal('NOT_FOUND')]),
  lines: z.array(stockLine),
});

export const productContract = defineContract('product', {
  /** Soft stock check for many products at once (may be up to 60 s stale). */
  availability: {
    input: productIds,
    output: z.object({ items: z.array(z.object({ productId: z.string(), exists: z.boolean(), availableQuantity: z.number().int().min(0) })) }),
  },
  /** Sku and name of the products that exist, in request order (order-line snapshots). */
  products: {
    input: productIds,
    output: z.object({ items: z.array(snapshot) }),
  },
  /**
   * Holds stock for every line of a checkout, all or nothing; idempotent per checkout key. A hold
   * also answers the lines' products (as `products` would), so checkout needs no second call for
   * its order lines; optional, so an order instance can talk to a product instance without it.
   */
  reserve: {
    input: z.object({ checkoutKey, lines: z.array(stockLine).min(1).max(MAX_ITEMS), ttlSeconds: z.number().int().positive().max(86_400).optional() }),
    output: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), status: z.enum(['ACTIVE', 'CONSUMED']), expiresAt: z.string(), lines: z.array(stockLine), products: z.array(snapshot).optional() }),
      z.object({ ok: z.literal(false), shortages: z.array(shortage) }),
    ]),
    refusals: { CHECKOUT_KEY_REUSED: 409 },
    write: true,
  },
  /** The checkout succeeded: its held stock leaves the warehouse. Idempotent. */
  consume: { input: keyBody, output: keyOutcome, write: true },
  /** The checkout failed or was abandoned: its held stock becomes available again. Idempotent. */
  release: { input: keyBody, output: keyOutcome, write: true },
  /** The order was cancelled: its consumed stock goes back on hand. Idempotent. */
  restock: { input: keyBody, output: keyOutcome, write: true },
});

type Ops = (typeof productContract)['operations'];
export type StockLine = z.infer<typeof stockLine>;
export type Shortage = z.infer<typeof shortage>;
export type ReservationStatus = z.infer<typeof reservationStatus>;
export type Availability = OutputOf<Ops['availability']>['items'][number];
export type ProductSnapshot = OutputOf<Ops['products']>['items'][number];
export type ReserveOutcome = OutputOf<Ops['reserve']>;
export type KeyOutcome = OutputOf<Ops['consume']>;

export type ProductClient = ContractClient<Ops>;

/** A client of the product subgraph's internal operations. */
export const productClient = (options: Omit<InternalClientOptions, 'service'>): ProductClient => createContractClient(productContract, options);

export * from './flash-sales.ts';
export * from './flash-sale-events.ts';
