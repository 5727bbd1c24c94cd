/**
 * Abandoned-cart reminders: the stream consumer's handler for `cart.abandoned`, and a user's
 * opt-out. One reminder per user and idle period, only to signed-in users whose token carried an
 * email claim, never to guests, never after an opt-out, and never for a cart that changed since
 * it was reported (the shopper is back). Idempotent per event: a redelivered event sends nothing
 * twice once its reminder is recorded.
 */
import type { EventEnvelope } from '@platform/events';
import { unauthenticated } from '@platform/errors';
import type { PricingClient } from '@subgraph/pricing/contract';
import type { ProductClient } from '@subgraph/product/contract';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { findReminderCart, recordReminder, reminderSent, remindersEnabled, setRemindersEnabled } from '../../data/reminders.ts';
import type { RequestContext } from '../../request-context.ts';
import type { CartReminder, Notifier } from './notifier.ts';

/** What became of one `cart.abandoned` event (a bounded set: a metric label). */
export type ReminderOutcome = 'sent' | 'guest' | 'opted_out' | 'no_email' | 'changed' | 'already_sent';

export interface ReminderDeps {
  prisma: PrismaClient;
  product: ProductClient;
  pricing: PricingClient;
  notifier: Notifier;
  /** The storefront's base URL; the reminder links to `<base>/cart`. */
  storefrontUrl: string;
  observe?: (outcome: ReminderOutcome) => void;
}

export class ReminderService {
  constructor(private readonly deps: ReminderDeps) {}

  /** Whether the signed-in caller gets abandoned-cart reminders. */
  async enabled(ctx: RequestContext): Promise<boolean> {
    return remindersEnabled(this.deps.prisma, this.userOf(ctx));
  }

  /** Turns the signed-in caller's reminders on or off; returns the setting now in force. */
  async setEnabled(ctx: RequestContext, input: { enabled: boolean }): Promise<boolean> {
    await setRemindersEnabled(this.deps.prisma, this.userOf(ctx), input.enabled, ctx.clock());
    return input.enabled;
  }

  /** Handles one stream event: sends the reminder a `cart.abandoned` calls for, if any; throws (to be retried) only when sending failed. */
  async handle(ctx: RequestContext, event: EventEnvelope): Promise<ReminderOutcome | null> {
    if (event.type !== 'cart.abandoned') return null;
    const outcome = await this.remind(ctx, event);
    this.deps.observe?.(outcome);
    return outcome;
  }

  private async remind(ctx: RequestContext, event: Extract<EventEnvelope, { type: 'cart.abandoned' }>): Promise<ReminderOutcome> {
    const { prisma } = this.deps;
    const { ownerType, ownerId: userId, cartId, cartVersion } = event.data;
    if (ownerType !== 'USER') return 'guest';
    if (!(await remindersEnabled(prisma, userId))) return 'opted_out';
    const key = { userId, cartId, cartVersion };
    if (await reminderSent(prisma, key)) return 'already_sent';
    const cart = await findReminderCart(prisma, cartId);
    if (!cart || cart.version !== cartVersion || cart.ownerId !== userId || cart.lines.length === 0) return 'changed';
    if (!cart.contactEmail) return 'no_email';
    const reminder = await this.compose(cart.contactEmail, userId, cartId, cart.lines);
    if (reminder.lines.length === 0) return 'changed';
    await this.deps.notifier.sendCartReminder(reminder);
    await recordReminder(prisma, key, event.id, ctx.clock());
    return 'sent';
  }

  /** The lines with their names (product) and current prices (pricing), and the link back. */
  private async compose(to: string, userId: string, cartId: string, lines: readonly { productId: string; quantity: number }[]): Promise<CartReminder> {
    const productIds = [...new Set(lines.map((l) => l.productId))];
    const [products, prices] = await Promise.all([this.deps.product.products({ productIds }), this.deps.pricing.prices({ productIds })]);
    const names = new Map(products.items.map((p) => [p.productId, p.name]));
    const current = new Map(prices.items.map((p) => [p.productId, p]));
    return {
      to,
      userId,
      cartId,
      // A product gone from the catalog or without a price cannot be bought: it is left out.
      lines: lines.flatMap((l) => {
        const name = names.get(l.productId);
        const price = current.get(l.productId);
        return name && price ? [{ productId: l.productId, name, quantity: l.quantity, unitPrice: price.amount, currencyCode: price.currencyCode }] : [];
      }),
      cartUrl: new URL('cart', this.deps.storefrontUrl.endsWith('/') ? this.deps.storefrontUrl : `${this.deps.storefrontUrl}/`).toString(),
    };
  }

  private userOf(ctx: RequestContext): string {
    if (ctx.identity.kind !== 'user') throw unauthenticated('Sign in to choose your cart reminders.');
    return ctx.identity.userId;
  }
}
