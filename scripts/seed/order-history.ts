/**
 * A demo order history for recommendations: 4,000 paid orders over October and November 2026,
 * generated deterministically from the demo catalog. Shoppers favour a few products per
 * category (popularity is skewed) and fill baskets mostly from one category, sometimes from its
 * sibling categories, rarely from anywhere. The seed writes the affinity and best-seller scores
 * the affinity consumer would have kept for these orders (each added to one cart, then paid:
 * weight 1 + 3 per pair, decayed by the order's time), not the orders themselves.
 */
import { decayFactor } from '../../subgraphs/product/src/data/affinity.ts';
import { CART_WEIGHT, ORDER_WEIGHT } from '../../subgraphs/product/src/services/affinity-consumer.ts';
import { hash32, prng, type SeedCatalog, type SeedProduct } from './catalog-data.ts';

export const HISTORY_ORDERS = 4_000;
const FROM = Date.UTC(2026, 9, 1);
const TO = Date.UTC(2026, 11, 1);
/** The half-life the scores are written with: the consumer's default (`AFFINITY_HALF_LIFE_DAYS`). */
export const HISTORY_HALF_LIFE_DAYS = 30;

export interface OrderHistory {
  /** Both directions of every pair: `productId|partnerId` -> score and co-occurrences. */
  pairs: Map<string, { score: number; pairs: number; at: number }>;
  sales: Map<string, { score: number; units: number; at: number }>;
}

/** Picks from `items` with probability proportional to `weight`. */
function weighted<T>(rand: () => number, items: readonly T[], weight: (item: T) => number): T {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  let r = rand() * total;
  for (const item of items) {
    r -= weight(item);
    if (r <= 0) return item;
  }
  return items[items.length - 1]!;
}

export function buildOrderHistory(catalog: SeedCatalog): OrderHistory {
  const rand = prng(hash32('demo-order-history'));
  const sellable = catalog.products.filter((p) => p.stock > 0);
  const popularity = new Map(sellable.map((p) => [p.id, 0.02 + prng(hash32(`popularity:${p.sku}`))() ** 4]));
  const pop = (p: SeedProduct) => popularity.get(p.id)!;
  const parentOf = new Map(catalog.categories.map((c) => [c.id, c.parentId ?? c.id]));
  const byCategory = new Map<string, SeedProduct[]>();
  const byParent = new Map<string, SeedProduct[]>();
  for (const p of sellable) {
    byCategory.set(p.categoryId, [...(byCategory.get(p.categoryId) ?? []), p]);
    const parent = parentOf.get(p.categoryId)!;
    byParent.set(parent, [...(byParent.get(parent) ?? []), p]);
  }
  const history: OrderHistory = { pairs: new Map(), sales: new Map() };
  for (let n = 0; n < HISTORY_ORDERS; n++) {
    const at = new Date(FROM + Math.floor(rand() * (TO - FROM)));
    const factor = decayFactor(at, HISTORY_HALF_LIFE_DAYS);
    const anchor = weighted(rand, sellable, pop);
    const basket = new Map<string, number>([[anchor.id, 1 + Math.floor(rand() * 2)]]);
    const extra = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < extra; i++) {
      const roll = rand();
      const pool = roll < 0.6 ? byCategory.get(anchor.categoryId)! : roll < 0.9 ? byParent.get(parentOf.get(anchor.categoryId)!)! : sellable;
      const p = weighted(rand, pool, pop);
      basket.set(p.id, (basket.get(p.id) ?? 0) + 1);
    }
    const ids = [...basket.keys()].sort();
    for (const [id, units] of basket) {
      const s = history.sales.get(id) ?? { score: 0, units: 0, at: 0 };
      history.sales.set(id, { score: s.score + units * factor, units: s.units + units, at: Math.max(s.at, at.getTime()) });
    }
    for (const a of ids) {
      for (const b of ids) {
        if (a === b) continue;
        const key = `${a}|${b}`;
        const s = history.pairs.get(key) ?? { score: 0, pairs: 0, at: 0 };
        history.pairs.set(key, { score: s.score + (ORDER_WEIGHT + CART_WEIGHT) * factor, pairs: s.pairs + 2, at: Math.max(s.at, at.getTime()) });
      }
    }
  }
  return history;
}
