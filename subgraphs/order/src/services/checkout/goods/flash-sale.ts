/**
 * A flash-sale checkout's goods: units of one sale, redeemed from the sale's pool with the
 * buyer's purchase token (the product subgraph checks the token, the owner and the per-buyer
 * limit, and prices at the sale price). There is no cart: the redeemed line is the snapshot.
 */
import { checkoutKey } from '../keys.ts';
import { FlashSaleEnded, FlashSaleSoldOut, LimitExceeded, PurchaseTokenInvalid, type CheckoutUserError } from '../errors.ts';
import type { RedeemRefusal } from '@subgraph/product/contract';
import type { Goods, GoodsRun } from './index.ts';

function request(run: GoodsRun) {
  if (!run.state.flash) throw new Error(`checkout ${run.row.id} is a flash-sale checkout without its sale`);
  return run.state.flash;
}

function refusal(reason: RedeemRefusal, limit: number | null): CheckoutUserError {
  switch (reason) {
    case 'TOKEN_INVALID':
      return new PurchaseTokenInvalid();
    case 'ENDED':
      return new FlashSaleEnded();
    case 'LIMIT_EXCEEDED':
      return new LimitExceeded(limit ?? 0);
    case 'SOLD_OUT':
      return new FlashSaleSoldOut();
  }
}

export const flashSaleGoods: Goods = {
  // Nothing to read first: the redemption (step 3) says what is bought and at what price.
  capture: async () => undefined,

  /** Redeems the purchase token for the asked quantity; the answer becomes the order's one line. */
  async hold(run) {
    const { saleId, purchaseToken, quantity } = request(run);
    if (!purchaseToken) return new PurchaseTokenInvalid();
    const result = await run.clients.flash.flashRedeem({ saleId, userId: run.row.userId, purchaseToken, quantity, checkoutKey: checkoutKey(run.row) });
    if (!result.ok) return refusal(result.reason, result.limit);
    run.state.cart = {
      id: '',
      version: 0,
      couponCodes: [],
      lines: [{ productId: result.productId, options: null, quantity: result.quantity, unitPrice: result.unitPrice, currencyCode: result.currencyCode }],
    };
    return undefined;
  },

  /** The redeemed units are sold; when their hold lapsed and the pool has none left, the buyer is told (and refunded). */
  async consume(run) {
    const result = await run.clients.flash.flashConsume({ checkoutKey: checkoutKey(run.row) });
    return result.ok ? undefined : new FlashSaleSoldOut('The units held for you lapsed before your payment completed and none are left; your payment was refunded.');
  },

  afterOrder: async () => undefined,

  /** A declined payment spends the token (the units go to the next shopper); any other failure lets it stand until it lapses. */
  async release(run, outcome) {
    const declined = outcome?.kind === 'error' && outcome.error.__typename === 'PaymentDeclined';
    await run.clients.flash.flashRelease({ checkoutKey: checkoutKey(run.row), final: declined });
  },

  async restock(clients, checkout) {
    const restock = await clients.flash.flashRestock({ checkoutKey: checkoutKey(checkout) });
    if (!restock.ok) throw new Error(`checkout ${checkout.id}: its flash-sale units cannot be returned (ticket is ${restock.status})`);
  },
};
