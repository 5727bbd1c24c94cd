/**
 * Idempotent checkout. The first request with a key inserts the Checkout row (unique per user
 * and key) holding its lease and runs the saga. A duplicate with the same input waits for that
 * outcome: in this process it awaits the running saga, across replicas it polls the row, and
 * if the first run's lease lapses (it died) the duplicate takes over and resumes it. A key sent
 * with another input is `IdempotencyKeyReused`. A checkout that was abandoned (compensated
 * after a crash or an unexpected failure) starts over as a new attempt when its key returns.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, publicError } from '@platform/errors';
import { annotate } from '@platform/telemetry';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CheckoutKind, Order } from '../../generated/prisma/client.ts';
import { findOrderById } from '../../data/orders.ts';
import { createCheckout, findCheckout, restartAbandoned, resultOf, takeOverLease, type Checkout, type SagaState, type StoredResult } from '../../data/checkouts.ts';
import { CART_OUTCOMES, IdempotencyKeyReused, outcomeAmong, reviveCheckoutError, type CartCheckoutError, type CheckoutUserError } from './errors.ts';
import { assertWellFormed, fingerprint, normalizeAddress, type CheckoutInputValue } from './input.ts';
import { requireUser, type RequestContext } from '../../request-context.ts';
import { CheckoutSaga, type SagaDeps } from './saga.ts';

export interface CheckoutServiceDeps extends SagaDeps {
  /** How long a duplicate request waits for the first one. */
  waitMs: number;
  /** Told the outcome of every checkout request (`Order` or the error's type), for metrics. */
  /** Told each checkout request's outcome and how long it took. */
  observe?: (outcome: string, seconds: number) => void;
}

/**
 * The checkout is still running elsewhere (or its run died and holds its lease until it lapses)
 * after the wait: SERVICE_UNAVAILABLE telling the client when to retry with the same key, which
 * then returns the outcome or takes the checkout over. Nothing was done twice.
 */
export const checkoutStillRunning = (retryAfterSeconds: number) =>
  publicError(ErrorCode.SERVICE_UNAVAILABLE, `Your checkout is still in progress; retry with the same idempotency key in ${retryAfterSeconds} s.`, { retryAfterSeconds, reason: 'CHECKOUT_IN_PROGRESS' });

/** True for the error of `checkoutStillRunning`. */
export const isCheckoutStillRunning = (error: unknown): boolean =>
  error instanceof Error && 'extensions' in error && (error as { extensions?: Record<string, unknown> }).extensions?.reason === 'CHECKOUT_IN_PROGRESS';

/** One checkout as the saga runs it: what the key is bound to, what is bought, and where the saga starts. */
export interface CheckoutRequest {
  idempotencyKey: string;
  /** What the key is bound to (a digest of the input): the same key with another input is `IdempotencyKeyReused`. */
  fingerprint: string;
  kind: CheckoutKind;
  /** The cart version checkout expects (0 when no cart is read). */
  cartVersion: number;
  /** The saga's starting state (address, tokens, what is bought). */
  state: SagaState;
}

export class CheckoutService {
  /** Sagas this process is running, so duplicates here await them instead of polling. */
  private readonly running = new Map<string, Promise<StoredResult>>();

  constructor(private readonly deps: CheckoutServiceDeps) {}

  /**
   * Checks the signed-in caller's cart out (see the module comment): the order, or the typed
   * reason there is none. Once per key: never two orders or two charges for one key.
   */
  async checkout(ctx: RequestContext, input: CheckoutInputValue): Promise<Order | CartCheckoutError> {
    const userId = requireUser(ctx, 'Sign in to check out.');
    assertWellFormed(input);
    const request: CheckoutRequest = { idempotencyKey: input.idempotencyKey, fingerprint: fingerprint(input), kind: 'CART', cartVersion: input.expectedCartVersion, state: initialState(input) };
    const started = performance.now();
    const result = await this.place(ctx, userId, request);
    this.deps.observe?.('__typename' in result ? result.__typename : 'Order', (performance.now() - started) / 1000);
    return '__typename' in result ? outcomeAmong(result, CART_OUTCOMES) : result;
  }

  /**
   * Runs one checkout of `userId` (any kind) once per idempotency key, as described above:
   * the order, or the typed reason there is none, replayed for a repeated key.
   */
  async place(ctx: RequestContext, userId: string, request: CheckoutRequest): Promise<Order | CheckoutUserError> {
    const outcome = await this.outcome(ctx, userId, request);
    if (outcome instanceof IdempotencyKeyReused) return outcome;
    if (outcome.kind === 'error') return reviveCheckoutError(outcome.error);
    annotate({ 'order.id': outcome.orderId });
    const order = await findOrderById(this.deps.pg, outcome.orderId);
    if (!order) throw new Error(`order ${outcome.orderId} of a completed checkout not found`);
    return order;
  }

  private async outcome(ctx: RequestContext, userId: string, request: CheckoutRequest): Promise<StoredResult | IdempotencyKeyReused> {
    const { idempotencyKey, fingerprint: print } = request;
    const { pg } = this.deps;
    const giveUpAt = Date.now() + this.deps.waitMs;
    // A new key is the common case: insert first, and look the key up only when it exists.
    for (let pause = 10, insert = true; ; pause = Math.min(pause * 2, 250)) {
      const owner = randomUUID();
      if (insert) {
        const created = await createCheckout(pg, { userId, idempotencyKey, fingerprint: print, kind: request.kind, cartVersion: request.cartVersion, state: request.state, owner, leaseUntil: this.leaseUntil(ctx) });
        if (created) return this.runSaga(ctx, created, owner, 'fresh');
      }
      const row = await findCheckout(pg, userId, idempotencyKey);
      insert = !row;
      if (!row) continue;
      if (row.fingerprint !== print) return new IdempotencyKeyReused(idempotencyKey);
      const ended = resultOf(row);
      if (ended && (row.status === 'COMPLETED' || row.status === 'FAILED')) return ended;
      const local = this.running.get(row.id);
      if (local) return local;
      const mine =
        row.status === 'FAILED'
          ? await restartAbandoned(pg, row.id, request.state, owner, this.leaseUntil(ctx))
          : await takeOverLease(pg, row.id, owner, ctx.clock(), this.leaseUntil(ctx));
      if (mine) return this.runSaga(ctx, mine, owner, row.status === 'FAILED' ? 'fresh' : 'resumed');
      if (Date.now() > giveUpAt) throw checkoutStillRunning(Math.max(1, Math.ceil(((row.leaseUntil?.getTime() ?? 0) - ctx.clock().getTime()) / 1000)));
      await sleep(pause);
    }
  }

  private async runSaga(ctx: RequestContext, row: Checkout, owner: string, mode: 'fresh' | 'resumed'): Promise<StoredResult> {
    annotate({ 'checkout.id': row.id });
    const run = new CheckoutSaga(this.deps, ctx, row, owner, mode).run();
    this.running.set(row.id, run);
    try {
      const result = await run;
      ctx.logger.info({ checkoutId: row.id, mode, outcome: result.kind === 'error' ? result.error.__typename : 'order', orderId: result.kind === 'error' ? undefined : result.orderId }, 'checkout finished');
      return result;
    } finally {
      if (this.running.get(row.id) === run) this.running.delete(row.id);
    }
  }

  private leaseUntil(ctx: RequestContext): Date {
    return new Date(ctx.clock().getTime() + this.deps.leaseMs);
  }
}

function initialState(input: CheckoutInputValue): SagaState {
  return { address: normalizeAddress(input.shippingAddress), paymentToken: input.paymentToken };
}
