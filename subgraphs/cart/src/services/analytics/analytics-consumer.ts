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
 * Idempotent per event id: each event is recorded in the transaction of its changes (one per batch), so a
 * redelivery, a replay or a backfill over live data changes nothing.
 */
import type { EventEnvelope } from '@platform/events';
import type { Sql } from '@platform/server';
import { lockCarts, markProcessed, pruneProcessed, RollupDelta, updateCarts, type CartState } from '../../data/analytics.ts';
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
    return (await this.handleBatch([event])) > 0;
  }

  /**
   * Applies a batch of stream events in one transaction, in order: the carts they touch are locked
   * once, the events are folded into their states and a `RollupDelta` in memory, and the sums are
   * written with one upsert per rollup table. Returns how many events changed the rollups.
   */
  async handleBatch(events: readonly EventEnvelope[]): Promise<number> {
    const relevant = events.filter((e) => RELEVANT.has(e.type));
    if (relevant.length === 0) return 0;
    return this.deps.sql.transaction(async (tx) => {
      const fresh = await markProcessed(tx, relevant.map((e) => e.id), this.deps.clock());
      // Each new event once (a batch may hold a redelivery of one of its own events).
      const applied = relevant.filter((e) => fresh.delete(e.id));
      if (applied.length === 0) return 0;
      const carts = await lockCarts(tx, applied.flatMap(cartOf));
      const changed = new Map<string, CartState>();
      const delta = new RollupDelta();
      for (const event of applied) this.apply(event, carts, changed, delta);
      await updateCarts(tx, changed);
      await delta.write(tx);
      return applied.length;
    });
  }

  /** Folds one event into the carts' states (`changed` gets each cart it changes) and the delta. */
  private apply(event: EventEnvelope, carts: Map<string, CartState>, changed: Map<string, CartState>, delta: RollupDelta): void {
    const at = new Date(event.occurredAt);
    const hour = hourOf(at);
    const cart = (cartId: string) => carts.get(cartId) ?? { country: null, firstAddAt: null };
    const update = (cartId: string, state: CartState) => {
      carts.set(cartId, state);
      changed.set(cartId, state);
    };
    switch (event.type) {
      case 'cart.shipping_country_set':
        return update(event.data.cartId, { ...cart(event.data.cartId), country: event.data.country });
      case 'cart.line_added': {
        const { cartId, productId } = event.data;
        const state = cart(cartId);
        const country = state.country ?? this.deps.defaultCountry;
        if (!state.firstAddAt) {
          delta.countCart(hour, country, 'cartsCreated');
          update(cartId, { ...state, firstAddAt: at });
        }
        delta.countProducts(hour, country, [productId], 'added');
        return delta.countAdd(hour, country, localHour(at, country));
      }
      case 'cart.line_removed':
        return delta.countProducts(hour, cart(event.data.cartId).country ?? this.deps.defaultCountry, [event.data.productId], 'removed');
      case 'cart.checked_out': {
        const state = cart(event.data.cartId);
        const country = state.country ?? this.deps.defaultCountry;
        delta.countCart(hour, country, 'cartsCheckedOut');
        if (state.firstAddAt) delta.countDuration(hour, country, Math.max(0, Math.floor((at.getTime() - new Date(state.firstAddAt).getTime()) / 1000)));
        return update(event.data.cartId, { ...state, firstAddAt: null });
      }
      case 'order.paid': {
        const country = (event.data.cartId ? cart(event.data.cartId).country : null) ?? this.deps.defaultCountry;
        return delta.countProducts(hour, country, event.data.lines.map((l) => l.productId), 'purchased');
      }
      default:
        return;
    }
  }
}

/** The cart an analytics event is about, if any. */
function cartOf(event: EventEnvelope): string[] {
  switch (event.type) {
    case 'cart.shipping_country_set':
    case 'cart.line_added':
    case 'cart.line_removed':
    case 'cart.checked_out':
      return [event.data.cartId];
    case 'order.paid':
      return event.data.cartId ? [event.data.cartId] : [];
    default:
      return [];
  }
}
