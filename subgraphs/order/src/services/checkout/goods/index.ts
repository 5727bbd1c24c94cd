/**
 * What a checkout buys, and how the saga holds, sells and gives it back: the caller's cart
 * against regular stock (`cart.ts`), or flash-sale units redeemed with a purchase token
 * (`flash-sale.ts`). The saga's steps, leases, payments, idempotency and recovery are the same
 * for both; only these steps differ, chosen by the checkout row's `kind`.
 */
import type { Checkout, CheckoutKind } from '../../../generated/prisma/client.ts';
import type { PlatformClients } from '../../../clients/index.ts';
import type { SagaState, StoredResult } from '../../../data/checkouts.ts';
import type { RequestContext } from '../../../request-context.ts';
import type { CheckoutUserError } from '../errors.ts';
import { cartGoods } from './cart.ts';
import { flashSaleGoods } from './flash-sale.ts';

/** One saga run as its goods see it; `state` is the run's (mutable) saga state. */
export interface GoodsRun {
  row: Readonly<Checkout>;
  state: SagaState;
  clients: PlatformClients;
  ctx: RequestContext;
}

export interface Goods {
  /** Step 1 (reads only, beside the address check): capture what is bought into `state.cart`, once. */
  capture(run: GoodsRun): Promise<CheckoutUserError | undefined>;
  /** Step 3: hold it under the attempt's key, all or nothing; a refusal holds nothing. */
  hold(run: GoodsRun): Promise<CheckoutUserError | undefined>;
  /** Step 7: what was held is sold; an outcome when it vanished meanwhile (the paid order is then cancelled). */
  consume(run: GoodsRun): Promise<CheckoutUserError | undefined>;
  /** Step 8: what follows a placed order. */
  afterOrder(run: GoodsRun): Promise<void>;
  /** Compensation: give back whatever may be held under the key, knowing the outcome the checkout ends with (null: abandoned). */
  release(run: GoodsRun, outcome: StoredResult | null): Promise<void>;
  /** A placed order was cancelled: its goods come back. */
  restock(clients: PlatformClients, checkout: Checkout): Promise<void>;
}

const GOODS: Record<CheckoutKind, Goods> = { CART: cartGoods, FLASH_SALE: flashSaleGoods };

/** The goods of a checkout row. */
export const goodsOf = (checkout: Pick<Checkout, 'kind'>): Goods => GOODS[checkout.kind];
