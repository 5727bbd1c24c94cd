/**
 * The cart subgraph's internal operations, for the checkout saga (order subgraph): read the
 * user's cart at a version, and mark it checked out. Served by `../internal.ts`.
 *
 *   cartForCheckout  {userId}                                -> {cart: CheckoutCart | null}
 *   markCheckedOut   {userId, expectedVersion, checkoutId}   -> {ok: true, version} | {ok: false, currentVersion}
 */
import { z } from '@platform/config';
import { createContractClient, defineContract, type ContractClient, type InternalClientOptions, type OutputOf } from '@platform/server';

const userRef = z.object({ userId: z.string().min(1).max(128) });

/** A line as it travels: the product, its options, quantity and the unit price captured when it was added. */
export const cartLineWire = z.object({
  id: z.string(),
  productId: z.string(),
  /** Selected variant options, e.g. {"size":"M"}. */
  options: z.record(z.string(), z.string()).nullable(),
  quantity: z.number().int().min(1),
  /** Captured unit price, exact decimal string. */
  unitPrice: z.string(),
  currencyCode: z.string(),
  savedForLater: z.boolean(),
});

const checkoutCart = z.object({
  id: z.string(),
  version: z.number().int().min(0),
  couponCodes: z.array(z.string()),
  shippingCountry: z.string().nullable(),
  /** Active and saved lines, oldest first. */
  lines: z.array(cartLineWire),
});

export const cartContract = defineContract('cart', {
  /** The user's cart straight from Postgres (never the cache): checkout decides on committed data. */
  cartForCheckout: { input: userRef, output: z.object({ cart: checkoutCart.nullable() }) },
  /** Empties the cart if it is still at `expectedVersion`; idempotent per checkout id. */
  markCheckedOut: {
    input: userRef.extend({ expectedVersion: z.number().int().min(0), checkoutId: z.string().uuid() }),
    output: z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), version: z.number().int() }), z.object({ ok: z.literal(false), currentVersion: z.number().int() })]),
    refusals: { IDEMPOTENCY_KEY_REUSED: 409 },
    write: true,
  },
});

type Ops = (typeof cartContract)['operations'];
export type CartLineWire = z.infer<typeof cartLineWire>;
export type CheckoutCart = NonNullable<OutputOf<Ops['cartForCheckout']>['cart']>;
export type MarkCheckedOutResult = OutputOf<Ops['markCheckedOut']>;

export type CartClient = ContractClient<Ops>;

/** A client of the cart subgraph's internal operations. */
export const cartClient = (options: Omit<InternalClientOptions, 'service'>): CartClient => createContractClient(cartContract, options);
