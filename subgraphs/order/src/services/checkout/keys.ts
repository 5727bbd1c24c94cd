/**
 * The keys a checkout sends to other services. They carry the attempt, so a checkout that was
 * abandoned (compensated) and then retried with its idempotency key never collides with what
 * its earlier attempt did.
 */
import type { Checkout } from '../../generated/prisma/client.ts';

type Attempt = Pick<Checkout, 'id' | 'attempt'>;

/** The reservation (product) and coupon redemption (pricing) key. */
export const checkoutKey = (c: Attempt) => `${c.id}:${c.attempt}`;

/** The payment provider's idempotency key of the checkout's charge. */
export const chargeKey = (c: Attempt) => `charge:${c.id}:${c.attempt}`;

/** The idempotency key of the refund when an order is cancelled. */
export const cancelRefundKey = (orderId: string) => `cancel:${orderId}`;
