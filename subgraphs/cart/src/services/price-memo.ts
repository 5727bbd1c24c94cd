/**
 * The prices `addCartLine` captures, remembered in this process under pricing's cache tags: a
 * price is used again only while its tag (`price:<id>`, bumped by pricing after every change and
 * before it answers) still has the token it had before the price was asked for, so an add
 * captures exactly what pricing would answer now, and a repeated product costs one Redis read
 * instead of an internal call. Entries live a minute at most (far less than a tag's lifetime, so
 * a tag that expired and reads as never-bumped again cannot match an old entry); with Redis down
 * every add asks pricing.
 */
import { LRUCache } from 'lru-cache';
import type { TagStore } from '@platform/redis';
import { priceTag, type CurrentPrice, type PricingClient } from '@subgraph/pricing/contract';

export interface PriceMemoOptions {
  max?: number;
  ttlMs?: number;
  /** Called per product asked for: true when the remembered price was used. */
  onLookup?: (hit: boolean) => void;
}

/** Wraps the pricing client so `prices` answers from remembered prices whose tags are unchanged. */
export function withRememberedPrices(pricing: PricingClient, tags: TagStore, options: PriceMemoOptions = {}): PricingClient {
  const memo = new LRUCache<string, { price: CurrentPrice; token: string }>({ max: options.max ?? 10_000, ttl: options.ttlMs ?? 60_000, ttlResolution: 100 });
  const prices: PricingClient['prices'] = async (input, callOptions) => {
    const ids = input.productIds;
    // Read before pricing is asked, so a token is never newer than the price stored with it.
    const tokens = await tags.read(ids.map(priceTag));
    if (!tokens) return pricing.prices(input, callOptions);
    const known: CurrentPrice[] = [];
    const missing: string[] = [];
    ids.forEach((id, i) => {
      const remembered = memo.get(id);
      const hit = remembered !== undefined && remembered.token === tokens[i];
      options.onLookup?.(hit);
      if (hit) known.push(remembered.price);
      else missing.push(id);
    });
    if (missing.length === 0) return { items: known };
    const answer = await pricing.prices({ ...input, productIds: missing }, callOptions);
    const tokenOf = new Map(ids.map((id, i) => [id, tokens[i]!]));
    for (const price of answer.items) memo.set(price.productId, { price, token: tokenOf.get(price.productId)! });
    return { ...answer, items: [...known, ...answer.items] };
  };
  return { ...pricing, prices };
}
