/**
 * `checkoutFlashSale`: buying flash-sale units with a purchase token, through the same saga,
 * idempotency, payment ledger and recovery as `checkout` (`../checkout/`), with the flash-sale
 * goods (`../checkout/goods/flash-sale.ts`). In front of it, a token bucket per buyer and one
 * for everyone, and a circuit breaker: when either says no, the buyer hears `TryAgainLater` at
 * once and nothing is charged or redeemed.
 */
import type { TokenBucket } from '@platform/redis';
import type { Order } from '../../generated/prisma/client.ts';
import { requireUser, type RequestContext } from '../../request-context.ts';
import { FLASH_OUTCOMES, outcomeAmong, TryAgainLater, type CheckoutUserError, type FlashCheckoutError } from '../checkout/errors.ts';
import { isCheckoutStillRunning, type CheckoutService } from '../checkout/service.ts';
import { OrderPathOpen, type OrderPathBreaker } from './breaker.ts';
import { assertFlashWellFormed, flashFingerprint, flashInitialState, type FlashCheckoutInputValue } from './input.ts';

export interface FlashCheckoutDeps {
  checkouts: CheckoutService;
  breaker: OrderPathBreaker;
  limits: { perUser: TokenBucket; global: TokenBucket };
  /** Told the outcome of every request (`Order` or the error's type), for metrics. */
  observe?: (outcome: string) => void;
}

/** Answers that say the order path is struggling (they open the circuit when they repeat). */
const STRUGGLING = new Set(['PaymentUnavailable']);

export class FlashCheckoutService {
  constructor(private readonly deps: FlashCheckoutDeps) {}

  /**
   * Buys `quantity` units of a sale with the caller's purchase token (needs a user JWT): the
   * order, or the typed reason there is none. Once per idempotency key; a declined payment gives
   * the units to the next shopper.
   */
  async checkoutFlashSale(ctx: RequestContext, input: FlashCheckoutInputValue): Promise<Order | FlashCheckoutError> {
    const userId = requireUser(ctx, 'Sign in to buy in a flash sale.');
    assertFlashWellFormed(input);
    const result = await this.attempt(ctx, userId, input);
    this.deps.observe?.('__typename' in result ? result.__typename : 'Order');
    return '__typename' in result ? outcomeAmong(result, FLASH_OUTCOMES) : result;
  }

  private async attempt(ctx: RequestContext, userId: string, input: FlashCheckoutInputValue): Promise<Order | CheckoutUserError> {
    const { perUser, global } = this.deps.limits;
    for (const taken of [await perUser.take(userId), await global.take('all')]) {
      if (!taken.ok) return new TryAgainLater(taken.retryAfterSeconds, `Too many purchase attempts right now; nothing was charged. Try again in ${taken.retryAfterSeconds} s.`);
    }
    const request = { idempotencyKey: input.idempotencyKey, fingerprint: flashFingerprint(input), kind: 'FLASH_SALE' as const, cartVersion: 0, state: flashInitialState(input) };
    try {
      return await this.deps.breaker.run(
        () => this.deps.checkouts.place(ctx, userId, request),
        (result) => '__typename' in result && STRUGGLING.has(result.__typename),
      );
    } catch (error) {
      if (error instanceof OrderPathOpen) return new TryAgainLater(error.retryAfterSeconds);
      // The same key is still being worked on (elsewhere): its outcome will be there on retry.
      if (isCheckoutStillRunning(error)) return new TryAgainLater(1, 'Your purchase is still being processed; ask again with the same idempotency key in a moment.');
      throw error;
    }
  }
}
