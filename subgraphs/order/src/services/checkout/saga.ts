/**
 * The checkout saga. Steps, each idempotent under the checkout's keys, with the progress
 * written to the Checkout row (status + state) after each, so any run can resume it:
 *
 *   STARTED   1 capture the goods (the cart at the expected version)   2 validate the address
 *             3 hold the goods (reserve stock, or redeem a flash-sale purchase token)
 *   RESERVED  4 quote from the captured prices and redeem the coupons
 *   PRICED    5 charge the total (PRICED and the quote are written with the charge's intent, one transaction)
 *   CHARGED   6 write the order with line snapshots (one transaction)
 *   ORDERED   7 consume what was held   8 after the order (mark the cart checked out)   -> COMPLETED
 *
 * Steps 1, 3, 7, 8 and giving goods back depend on what is bought (`goods/`, by the row's
 * kind); everything else is shared by cart and flash-sale checkouts.
 *
 * An expected failure (a typed outcome) before the charge is compensated at once: release the
 * goods, reverse the redemptions, settle any charge (refund it), then FAILED with the outcome.
 * Once CHARGED the saga only goes forward: a charge never stands without an order. A run that
 * dies keeps its lease until it lapses; then a retry with the same key resumes it, or the
 * recovery sweep finishes it (from CHARGED on) or compensates it (before).
 */
import type { Checkout, CheckoutStatus, PrismaClient } from '../../generated/prisma/client.ts';
import type { TagStore } from '@platform/redis';
import { isRefusal, type Sql } from '@platform/server';
import { ordersChanged } from '../../cache/tags.ts';
import type { WriteRecorder } from '@platform/server';
import type { PlatformClients } from '../../clients/index.ts';
import type { RequestContext } from '../../request-context.ts';
import { finishCheckout, LeaseLost, releaseLease, resultOf, saveProgress, stateOf, type SagaState, type StoredResult } from '../../data/checkouts.ts';
import { insertOrder } from '../../data/orders.ts';
import { insertStreamEvents } from '../../data/stream-outbox.ts';
import { orderPaid } from '../order-events.ts';
import type { PaymentLedger } from '../payments/ledger.ts';
import { revertOrder } from '../order-reversal.ts';
import { CouponUnavailable, InvalidAddress, PaymentDeclined, PaymentUnavailable, type CheckoutUserError } from './errors.ts';
import { goodsOf, type Goods, type GoodsRun } from './goods/index.ts';
import { addressProblem } from './input.ts';
import { chargeKey, checkoutKey } from './keys.ts';

/** The points after which a test may stop a saga as if its process had been killed. */
export type SagaStep = 'cart' | 'address' | 'reserve' | 'price' | 'charge' | 'order' | 'consume' | 'markCheckedOut';

/** Fault injection for tests: `afterStep` runs after each step has been recorded; it may throw `SagaHalted`. */
export interface FaultPoints {
  afterStep?: (step: SagaStep, checkout: Readonly<Checkout>) => void | Promise<void>;
}

/** Stops a saga where it stands, as a killed process would: no compensation, the lease is kept until it lapses. */
export class SagaHalted extends Error {
  constructor(step: string) {
    super(`checkout halted after ${step}`);
    this.name = 'SagaHalted';
  }
}

export interface SagaDeps {
  prisma: PrismaClient;
  /** Plain SQL on the same pool: the saga's own statements (checkout progress, order, outbox) run on it. */
  pg: Sql;
  clients: PlatformClients;
  ledger: PaymentLedger;
  tags: TagStore;
  /** Records a user's write for read-your-writes on the order-history replica. */
  reads?: WriteRecorder | undefined;
  leaseMs: number;
  faults: FaultPoints;
  /** Told each charge's outcome (SUCCEEDED, DECLINED, UNAVAILABLE), for metrics. */
  observePayment?: (status: string) => void;
}

const RANK: Record<CheckoutStatus, number> = { STARTED: 0, RESERVED: 1, PRICED: 2, CHARGED: 3, ORDERED: 4, COMPLETED: 5, FAILED: 6 };
const charged = (status: CheckoutStatus) => RANK[status] >= RANK.CHARGED;
const asStored = (error: CheckoutUserError): StoredResult => ({ kind: 'error', error: { ...error } });

export class CheckoutSaga {
  private readonly state: SagaState;
  /** What this run may have to undo. A resumed run cannot know what its predecessor sent, so it undoes everything. */
  private readonly undo: { stock: boolean; coupons: boolean; payment: boolean };
  /** The charge's Payment row, once step 5 has it (a resumed run looks it up). */
  private chargeId: string | undefined;
  private readonly goods: Goods;

  constructor(
    private readonly deps: SagaDeps,
    /** Whose checkout this run works for (its clock times the lease; its logger reports). */
    private readonly ctx: RequestContext,
    private readonly row: Checkout,
    private readonly owner: string,
    mode: 'fresh' | 'resumed',
  ) {
    this.state = structuredClone(stateOf(row));
    this.goods = goodsOf(row);
    const resumed = mode === 'resumed';
    this.undo = { stock: resumed, coupons: resumed, payment: resumed };
  }

  /** Runs the saga from where the row stands to its end; returns the outcome stored with the key. */
  async run(): Promise<StoredResult> {
    try {
      return await this.forward();
    } catch (error) {
      if (error instanceof SagaHalted || error instanceof LeaseLost) throw error;
      await this.afterUnexpected(error);
      throw error;
    }
  }

  /** For the recovery sweep: finish a charged checkout, compensate any other. */
  async recover(): Promise<StoredResult | null> {
    if (charged(this.row.status) && !this.state.failure) return this.forward();
    return this.compensate(this.state.failure ?? null);
  }

  private async forward(): Promise<StoredResult> {
    if (this.row.status === 'STARTED') {
      // Steps 1 and 2 only read, so both are asked at once; the cart's outcome comes first.
      const [badCart, badAddress] = await Promise.all([this.goods.capture(this.goodsRun()), this.checkAddress()]);
      if (badCart) return this.fail(badCart);
      await this.step('cart');
      if (badAddress) return this.fail(badAddress);
      await this.step('address');
      const shortage = await this.reserve();
      if (shortage) return this.fail(shortage);
      await this.save({ status: 'RESERVED', ...(this.row.kind === 'CART' ? { cartId: this.cart().id } : {}) });
      await this.step('reserve');
    }
    if (this.row.status === 'RESERVED') {
      const refused = await this.price();
      if (refused) return this.fail(refused);
      // PRICED and the quote are recorded by the charge's intent, in its transaction: a crash
      // before it leaves the row RESERVED, which recovery compensates just as it would PRICED.
      this.row.status = 'PRICED';
      await this.step('price');
    }
    if (this.row.status === 'PRICED') {
      const refused = await this.charge();
      if (refused) return this.fail(refused);
      await this.step('charge');
    }
    if (this.row.status === 'CHARGED') {
      await this.writeOrder();
      await this.step('order');
    }
    if (this.row.status === 'ORDERED') {
      const vanished = await this.consume();
      if (vanished) return this.cancelPlacedOrder(vanished);
      await this.step('consume');
      await this.goods.afterOrder(this.goodsRun());
      await this.step('markCheckedOut');
      const result: StoredResult = { kind: 'order', orderId: this.row.orderId! };
      await this.finish('COMPLETED', result);
      return result;
    }
    const ended = resultOf(this.row);
    if (!ended) throw new Error(`checkout ${this.row.id} ended without an outcome`);
    return ended;
  }

  // --- steps -------------------------------------------------------------------------------

  /** 2: required fields and limits, and a country the pricing tables know. */
  private async checkAddress(): Promise<CheckoutUserError | undefined> {
    const { address } = this.state;
    const problem = addressProblem(address);
    if (problem) return problem;
    if (!(await this.deps.clients.pricing.validateCountry({ country: address.country })).valid) return new InvalidAddress('country', `We do not ship to ${address.country}.`);
    return undefined;
  }

  /** 3: hold the goods under this attempt's key; a refusal holds nothing. */
  private async reserve(): Promise<CheckoutUserError | undefined> {
    this.undo.stock = true;
    const refused = await this.goods.hold(this.goodsRun());
    if (refused) this.undo.stock = false;
    return refused;
  }

  /** 4: the final cost from the captured prices, shipping to the address; the coupons that discount it are redeemed. */
  private async price(): Promise<CheckoutUserError | undefined> {
    const cart = this.cart();
    const { clients } = this.deps;
    const [quote, products] = await Promise.all([
      clients.pricing
        .quote({
          lines: cart.lines.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPrice: l.unitPrice })),
          couponCodes: cart.couponCodes,
          shippingCountry: this.state.address.country,
        })
        .catch((error: unknown) => {
          if (isRefusal(error, 'UNKNOWN_COUNTRY')) return null;
          throw error;
        }),
      this.productSnapshots(),
    ]);
    if (!quote) return new InvalidAddress('country', `We do not ship to ${this.state.address.country}.`);
    const codes = [...new Set(quote.discounts.map((d) => d.code))];
    if (codes.length) {
      this.undo.coupons = true;
      const redeemed = await clients.pricing.redeemCoupons({ checkoutKey: checkoutKey(this.row), codes, subtotal: quote.subtotal.amount });
      if (!redeemed.ok) return new CouponUnavailable(redeemed.failed.map((f) => f.code));
    }
    this.state.quote = {
      currencyCode: quote.total.currencyCode,
      subtotal: quote.subtotal.amount,
      discountTotal: quote.discountTotal.amount,
      shipping: quote.shipping.amount,
      tax: quote.tax.amount,
      total: quote.total.amount,
      couponCodes: codes,
    };
    this.state.products = products;
    return undefined;
  }

  /** Sku and name of every product bought: as the hold answered them, else asked of product (a flash sale's redemption does not name them). */
  private async productSnapshots(): Promise<NonNullable<SagaState['products']>> {
    const ids = [...new Set(this.cart().lines.map((l) => l.productId))];
    const known = this.state.products;
    if (known && ids.every((id) => known[id])) return known;
    const { items } = await this.deps.clients.product.products({ productIds: ids });
    return Object.fromEntries(items.map((p) => [p.productId, { sku: p.sku, name: p.name }]));
  }

  /** 5: one charge per attempt key; the intent is recorded (fenced) before the provider is asked. */
  private async charge(): Promise<CheckoutUserError | undefined> {
    const quote = this.state.quote!;
    this.undo.payment = true;
    const outcome = await this.deps.ledger.charge(
      { checkoutId: this.row.id, idempotencyKey: chargeKey(this.row), amount: quote.total, currencyCode: quote.currencyCode, token: this.state.paymentToken },
      (tx) => saveProgress(tx, this.row.id, this.owner, { status: 'PRICED', state: this.state }, this.leaseUntil()),
    );
    this.deps.observePayment?.(outcome.status);
    if (outcome.status !== 'SUCCEEDED') return outcome.status === 'DECLINED' ? new PaymentDeclined() : new PaymentUnavailable();
    this.chargeId = outcome.payment.id;
    // The state is as the intent recorded it: only the status moves.
    await saveProgress(this.deps.pg, this.row.id, this.owner, { status: 'CHARGED' }, this.leaseUntil());
    this.row.status = 'CHARGED';
    return undefined;
  }

  /** 6: the order, its line snapshots and the link from the charge, with the checkout's progress, in one transaction. */
  private async writeOrder(): Promise<void> {
    const { pg, ledger } = this.deps;
    this.chargeId ??= await ledger.chargeId(this.row.id, chargeKey(this.row));
    const chargeId = this.chargeId;
    const orderId = await pg.transaction(async (tx) => {
      const order = await insertOrder(tx, {
        checkoutId: this.row.id,
        userId: this.row.userId,
        cart: this.cart(),
        quote: this.state.quote!,
        products: this.state.products ?? {},
        address: this.state.address,
        chargeId,
      });
      await insertStreamEvents(tx, [orderPaid(order, this.cart(), this.state.products ?? {}, this.ctx.clock())]);
      await saveProgress(tx, this.row.id, this.owner, { status: 'ORDERED', orderId: order.id, state: this.state }, this.leaseUntil());
      return order.id;
    });
    Object.assign(this.row, { status: 'ORDERED', orderId });
    await ordersChanged(this.deps, this.row.userId);
  }

  /** 7: what was held is sold; an outcome when it vanished meanwhile. */
  private consume(): Promise<CheckoutUserError | undefined> {
    return this.goods.consume(this.goodsRun());
  }

  // --- endings -----------------------------------------------------------------------------

  /** Records the outcome first (so a crash mid-compensation still ends with it), then compensates. */
  private async fail(refused: CheckoutUserError): Promise<StoredResult> {
    this.state.failure = asStored(refused);
    if (this.undo.stock || this.undo.coupons || this.undo.payment) await this.save({});
    await this.compensate(this.state.failure);
    return this.state.failure;
  }

  /** Undoes whatever the saga may have done before a charge stood, then ends FAILED (abandoned when `result` is null). */
  private async compensate(result: StoredResult | null): Promise<StoredResult | null> {
    const { clients, ledger } = this.deps;
    const key = checkoutKey(this.row);
    // Stock first: other buyers are waiting for it.
    if (this.undo.stock) await this.goods.release(this.goodsRun(), result);
    if (this.undo.coupons) await clients.pricing.reverseRedemptions({ checkoutKey: key });
    if (this.undo.payment) await ledger.settleUnordered(this.row.id, this.state.paymentToken);
    await this.finish('FAILED', result);
    return result;
  }

  /** The goods of a paid order vanished before they were consumed: cancel the order (refund) and tell the buyer. */
  private async cancelPlacedOrder(shortage: CheckoutUserError): Promise<StoredResult> {
    const { prisma } = this.deps;
    const order = await prisma.order.findFirstOrThrow({ where: { id: this.row.orderId! } });
    await revertOrder(this.deps, this.ctx, order, this.row);
    const result = asStored(shortage);
    await this.finish('FAILED', result);
    return result;
  }

  /** An unexpected failure: before the charge, undo what was done; after it, let a retry or the sweep finish at once. */
  private async afterUnexpected(error: unknown): Promise<void> {
    this.ctx.logger.error({ err: error, checkoutId: this.row.id, status: this.row.status }, 'checkout failed unexpectedly');
    if (!charged(this.row.status)) {
      Object.assign(this.undo, { stock: true, coupons: true, payment: true });
      try {
        await this.compensate(this.state.failure ?? null);
        return;
      } catch (compensation) {
        this.ctx.logger.warn({ err: compensation, checkoutId: this.row.id }, 'compensation failed; the recovery sweep will retry it');
      }
    }
    await releaseLease(this.deps.pg, this.row.id, this.owner, this.ctx.clock()).catch(() => undefined);
  }

  // --- helpers -----------------------------------------------------------------------------

  private cart() {
    if (!this.state.cart) throw new Error(`checkout ${this.row.id} has no cart snapshot`);
    return this.state.cart;
  }

  private goodsRun(): GoodsRun {
    return { row: this.row, state: this.state, clients: this.deps.clients, ctx: this.ctx };
  }

  private leaseUntil() {
    return new Date(this.ctx.clock().getTime() + this.deps.leaseMs);
  }

  private async save(data: { status?: CheckoutStatus; cartId?: string }): Promise<void> {
    await saveProgress(this.deps.pg, this.row.id, this.owner, { ...data, state: this.state }, this.leaseUntil());
    if (data.status) this.row.status = data.status;
  }

  private async step(step: SagaStep): Promise<void> {
    await this.deps.faults.afterStep?.(step, this.row);
  }

  private async finish(status: 'COMPLETED' | 'FAILED', result: StoredResult | null): Promise<void> {
    // Tokens are kept only while a retry may need them.
    const { paymentToken: _dropped, flash, ...rest } = this.state;
    const state: SagaState = flash ? { ...rest, flash: { saleId: flash.saleId, quantity: flash.quantity } } : rest;
    await finishCheckout(this.deps.pg, this.row.id, this.owner, status, result, state);
    this.row.status = status;
  }
}
