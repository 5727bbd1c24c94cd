/**
 * The affinity consumer: keeps "frequently bought together" from the event stream, off every
 * request path. Products paid in the same order pair with weight 3; a product added to a cart
 * pairs with weight 1 with the cart's products added within the session window before it (the
 * consumer's own view of cart membership, built from cart events). Every weight is decayed by
 * its time (`decayFactor`), so scores are updated incrementally and never recomputed.
 *
 * Idempotent per event id: each event is recorded in the same transaction as its changes (one per batch), so a
 * redelivery or a replay of the stream changes nothing. After commit, the cached partner lists
 * of the products a batch touched are dropped and their `affinity:<id>` tags bumped (and, for a paid
 * order, the best sellers), so cached recommendations follow.
 */
import type { EventEnvelope } from '@platform/events';
import type { TagStore } from '@platform/redis';
import type { Sql, SqlExecutor, WriteRecorder } from '@platform/server';
import type { CatalogCache } from '../cache/catalog-cache.ts';
import { AFFINITY_WRITES } from '../cache/catalog-reads.ts';
import { affinityTag, BESTSELLERS_TAG } from '../cache/tags.ts';
import { addPairs, addSales, addToCart, cartPartners, decayFactor, markProcessed, pruneAffinity, removeFromCart } from '../data/affinity.ts';

/** Co-occurrence weights. */
export const ORDER_WEIGHT = 3;
export const CART_WEIGHT = 1;

export interface AffinitySettings {
  halfLifeDays: number;
  sessionHours: number;
  /** The stream's retention: a processed-event record older than this (plus an hour) can go. */
  retentionHours?: number;
}

/** What one event changed: products whose partners moved, categories whose best sellers moved. */
interface Effect {
  products: string[];
  /** Set when best sellers changed: the categories (null = whole catalog) to drop. */
  categories?: (string | null)[];
}

const NOTHING: Effect = { products: [] };
const RELEVANT = new Set<EventEnvelope['type']>([
  'cart.line_added',
  'cart.line_moved_to_cart',
  'cart.merged',
  'cart.line_removed',
  'cart.line_saved_for_later',
  'cart.cleared',
  'cart.checked_out',
  'order.paid',
]);

/** Every unordered pair of distinct ids, each once. */
const pairsOf = (ids: readonly string[]): [string, string][] => {
  const sorted = [...new Set(ids)].sort();
  return sorted.flatMap((a, i) => sorted.slice(i + 1).map((b): [string, string] => [a, b]));
};

export class AffinityConsumer {
  constructor(private readonly deps: { sql: Sql; cache: CatalogCache; tags: TagStore; settings: AffinitySettings; clock: () => Date; writes?: WriteRecorder | undefined }) {}

  /** Applies one stream event; true when it changed something (false for other types and for events already applied). */
  async handle(event: EventEnvelope): Promise<boolean> {
    return (await this.handleBatch([event])) > 0;
  }

  /**
   * Applies a batch of stream events in order in one transaction, then drops the cached lists and
   * bumps the tags of everything the batch changed at once. Returns how many events changed something.
   */
  async handleBatch(events: readonly EventEnvelope[]): Promise<number> {
    const relevant = events.filter((e) => RELEVANT.has(e.type));
    if (relevant.length === 0) return 0;
    const effects = await this.deps.sql.transaction(async (tx) => {
      const done: Effect[] = [];
      for (const event of relevant) if (await markProcessed(tx, event.id, this.deps.clock())) done.push(await this.apply(tx, event));
      return done;
    });
    if (effects.length === 0) return 0;
    const categories = effects.some((e) => e.categories) ? [...new Set(effects.flatMap((e) => e.categories ?? []))] : undefined;
    await this.publish({ products: [...new Set(effects.flatMap((e) => e.products))], ...(categories ? { categories } : {}) });
    return effects.length;
  }

  private async apply(tx: SqlExecutor, event: EventEnvelope): Promise<Effect> {
    const at = new Date(event.occurredAt);
    const factor = decayFactor(at, this.deps.settings.halfLifeDays);
    switch (event.type) {
      case 'cart.line_added': {
        const { cartId, productId } = event.data;
        const partners = await cartPartners(tx, cartId, productId, new Date(at.getTime() - this.deps.settings.sessionHours * 3_600_000));
        await addPairs(tx, partners.map((p): [string, string] => [productId, p]), CART_WEIGHT * factor, at);
        await addToCart(tx, cartId, [productId], at);
        return { products: partners.length ? [productId, ...partners] : [] };
      }
      case 'cart.line_moved_to_cart':
        await addToCart(tx, event.data.cartId, [event.data.productId], at);
        return NOTHING;
      case 'cart.merged':
        await addToCart(tx, event.data.cartId, event.data.outcomes.filter((o) => o.outcome !== 'DROPPED_UNAVAILABLE').map((o) => o.productId), at);
        return NOTHING;
      case 'cart.line_removed':
      case 'cart.line_saved_for_later':
        await removeFromCart(tx, event.data.cartId, event.data.productId);
        return NOTHING;
      case 'cart.cleared':
      case 'cart.checked_out':
        await removeFromCart(tx, event.data.cartId);
        return NOTHING;
      case 'order.paid':
        return this.paid(tx, event, at, factor);
      default:
        return NOTHING;
    }
  }

  private async paid(tx: SqlExecutor, event: Extract<EventEnvelope, { type: 'order.paid' }>, at: Date, factor: number): Promise<Effect> {
    const units = new Map<string, number>();
    for (const line of event.data.lines) units.set(line.productId, (units.get(line.productId) ?? 0) + line.quantity);
    const products = [...units.keys()];
    await addPairs(tx, pairsOf(products), ORDER_WEIGHT * factor, at);
    await addSales(tx, [...units].map(([productId, n]) => ({ productId, units: n })), factor, at);
    const rows = await tx.query<{ categoryId: string | null }>(`SELECT DISTINCT "categoryId"::text AS "categoryId" FROM "catalog"."Product" WHERE "id" = ANY($1::uuid[])`, [products]);
    return { products: products.length > 1 ? products : [], categories: [null, ...rows.map((r) => r.categoryId).filter((c): c is string => c !== null)] };
  }

  /** Deletes processed-event records the stream can no longer redeliver and cart membership too old to pair (a scheduled job). */
  prune(): Promise<number> {
    const now = this.deps.clock().getTime();
    const { retentionHours = 168, sessionHours } = this.deps.settings;
    return pruneAffinity(this.deps.sql, new Date(now - (retentionHours + 1) * 3_600_000), new Date(now - sessionHours * 3_600_000));
  }

  /**
   * After commit: record the change's WAL position (so cache fills read the primary until the
   * replica has it), then drop the cached lists that changed and bump their tags (the cache never
   * fails the consumer).
   */
  private async publish(effect: Effect): Promise<void> {
    const { cache, tags } = this.deps;
    const bumps = effect.products.map(affinityTag);
    if (effect.categories) bumps.push(BESTSELLERS_TAG);
    if (bumps.length) await this.deps.writes?.noteWrite(AFFINITY_WRITES);
    await Promise.all([cache.affinity.invalidate(effect.products), effect.categories ? cache.bestSellers.invalidate(effect.categories) : undefined, bumps.length ? tags.bump(bumps) : undefined]);
  }
}
