/**
 * The product subgraph's flash-sale operations for the order subgraph's `checkoutFlashSale`
 * saga: the pool's side of a purchase. Each is idempotent per checkout key and runs in one
 * Postgres transaction holding the sale's pool row, so the pool never sells more than it holds.
 *
 *   flashRedeem   {saleId, userId, purchaseToken, quantity, checkoutKey} -> {ok: true, productId, quantity, unitPrice, currencyCode}
 *                                                                          | {ok: false, reason, limit}
 *   flashConsume  {checkoutKey}         -> {ok, status}   the checkout was paid: its units are sold
 *   flashRelease  {checkoutKey, final}  -> {ok, status}   it failed: its units go back (final: for good, else the token stands again)
 *   flashRestock  {checkoutKey}         -> {ok, status}   its order was cancelled: the units come back
 *
 * Served by `../internal.ts`. Schemas and types only.
 */
import { z } from '@platform/config';
import { createContractClient, defineContract, type ContractClient, type InternalClientOptions, type OutputOf } from '@platform/server';

const checkoutKey = z.string().trim().min(1).max(200);
const id = z
  .string()
  .uuid()
  .transform((value) => value.toLowerCase());

/** A ticket's status as stored, or NOT_FOUND when no ticket was redeemed under the key. */
export const flashTicketStatus = z.enum(['WAITING', 'ADMITTED', 'REDEEMING', 'PURCHASED', 'EXPIRED', 'SOLD_OUT', 'NOT_FOUND']);
const keyOutcome = z.object({ ok: z.boolean(), status: flashTicketStatus });

/** Why a token cannot be redeemed: it is not a valid, unused token of this user for this sale; the sale is over; too many units; none left. */
export const redeemRefusal = z.enum(['TOKEN_INVALID', 'ENDED', 'LIMIT_EXCEEDED', 'SOLD_OUT']);

export const flashSaleContract = defineContract('product', {
  /** Turns an admitted ticket's held units into a running checkout's, at the sale price. */
  flashRedeem: {
    input: z.object({ saleId: id, userId: z.string().min(1).max(200), purchaseToken: z.string().min(1).max(300), quantity: z.number().int().positive().max(10_000), checkoutKey }),
    output: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), productId: z.string(), quantity: z.number().int().positive(), unitPrice: z.string(), currencyCode: z.string() }),
      z.object({ ok: z.literal(false), reason: redeemRefusal, limit: z.number().int().nullable() }),
    ]),
  },
  /** The checkout was paid: its units count as sold. */
  flashConsume: { input: z.object({ checkoutKey }), output: keyOutcome },
  /** The checkout failed before payment stood: its units leave it; `final` spends the token, otherwise it stands again until it expires. */
  flashRelease: { input: z.object({ checkoutKey, final: z.boolean() }), output: keyOutcome },
  /** The sale's order was cancelled: its units go back to the pool, or to sellable stock once the sale is closed. */
  flashRestock: { input: z.object({ checkoutKey }), output: keyOutcome },
});

type Ops = (typeof flashSaleContract)['operations'];
export type FlashTicketStatus = z.infer<typeof flashTicketStatus>;
export type RedeemRefusal = z.infer<typeof redeemRefusal>;
export type RedeemOutcome = OutputOf<Ops['flashRedeem']>;
export type FlashKeyOutcome = OutputOf<Ops['flashConsume']>;

export type FlashSaleClient = ContractClient<Ops>;

/** A client of the product subgraph's flash-sale operations. */
export const flashSaleClient = (options: Omit<InternalClientOptions, 'service'>): FlashSaleClient => createContractClient(flashSaleContract, options);
