/**
 * The cart analytics consumer: keeps hourly rollups from the event stream, off every request
 * path. It knows carts only from their events (its own `AnalyticsCart` state): the country is
 * the cart's shipping country as last set before the event (the store's default country until
 * one is set), and a cart "session" starts with the first line added and ends at checkout.
 *
 * - `cart.line_added`: the product's adds; the adds of the local hour of day; a new session
 *   counts a cart created and remembers when it started;
 * - `cart.line_removed`: the product's removals;
 * - `cart.checked_out`: a cart checked out, and its first-add-to-checkout time in whole seconds;
 * - `order.paid`: a purchase of each product in the order (in its cart's country).
 *
 * Idempotent per event id: the event is recorded in the transaction of its changes, so a
 * redelivery, a replay or a backfill over live data changes nothing.
 */
import type { EventEnvelope } from '@platform/events';
import type { Sql, SqlExecutor } from '@platform/server';
import { countAdd, countCart, countDuration, countProducts, lockCart, markProcessed, pruneProcessed, updateCart } from '../../data/analytics.ts';
import { hourOf, localHour } from './time-zones.ts';

const RELEVANT = new Set<EventEnvelope['type']>(['cart.shipping_country_set', 'cart.line_added', 'cart.line_removed', 'cart.checked_out', 'order.paid']);

export class AnalyticsConsumer {
  constructor(private readonly deps: { sql: Sql; defaultCountry: string; clock: () => Date; retentionHours?: number }) {}

  /** Deletes processed-event records of events the stream can no longer redeliver (older than its retention plus an hour; a scheduled job). */
  prune(): Promise<number> {
    return pruneProcessed(this.deps.sql, new Date(this.deps.clock().getTime() - ((this.deps.retentionHours ?? 168) + 1) * 3_600_000));
  }

  /** Applies one stream event; true when it changed the rollups (false for other types and for events already applied). */
  async handle(event: EventEnvelope): Promise<boolean> {
    if (!RELEVANT.has(event.type)) return false;
    return this.deps.sql.transaction(async (tx) => {
      if (!(await markProcessed(tx, event.id, this.deps.clock()))) return false;
      await this.apply(tx, event, new Date(event.occurredAt));
      return true;
    });
  }

  private async apply(tx: SqlExecutor, event: EventEnvelope, at: Date): Promise<void> {
    const hour = hourOf(at);
    switch (event.type) {
      case 'cart.shipping_country_set':
        await lockCart(tx, event.data.cartId);
        return updateCart(tx, event.data.cartId, { country: event.data.country });
      case 'cart.line_added': {
        const { cartId, productId } = event.data;
        const cart = await lockCart(tx, cartId);
        const country = cart.country ?? this.deps.defaultCountry;
        if (!cart.firstAddAt) {
          await countCart(tx, hour, country, 'cartsCreated');
          await updateCart(tx, cartId, { firstAddAt: at });
        }
        await countProducts(tx, hour, country, [productId], 'added');
        return countAdd(tx, hour, country, localHour(at, country));
      }
      case 'cart.line_removed': {
        const cart = await lockCart(tx, event.data.cartId);
        return countProducts(tx, hour, cart.country ?? this.deps.defaultCountry, [event.data.productId], 'removed');
      }
      case 'cart.checked_out': {
        const cart = await lockCart(tx, event.data.cartId);
        const country = cart.country ?? this.deps.defaultCountry;
        await countCart(tx, hour, country, 'cartsCheckedOut');
        if (cart.firstAddAt) await countDuration(tx, hour, country, Math.max(0, Math.floor((at.getTime() - new Date(cart.firstAddAt).getTime()) / 1000)));
        return updateCart(tx, event.data.cartId, { firstAddAt: null });
      }
      case 'order.paid': {
        const cart = event.data.cartId ? await lockCart(tx, event.data.cartId) : null;
        return countProducts(tx, hour, cart?.country ?? this.deps.defaultCountry, event.data.lines.map((l) => l.productId), 'purchased');
      }
      default:
        return;
    }
  }
}
