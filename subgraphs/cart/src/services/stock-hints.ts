/**
 * What `addCartLine` does while the product service is not answering (`CART_WHEN_PRODUCT_DOWN`):
 * `accept` (the default) checks the quantity against the last availability this process saw for
 * the product (a hint: checkout re-checks stock under lock anyway) and says so in the result
 * (`Cart.stockUnverified`); `refuse` answers SERVICE_UNAVAILABLE naming product. A product never
 * seen here has no hint, so it is refused either way (nothing says it even exists).
 */
import { LRUCache } from 'lru-cache';
import { InternalCallError } from '@platform/server';
import type { Availability, ProductClient } from '@subgraph/product/contract';

export type ProductDownPolicy = 'accept' | 'refuse';

/** An availability answer; `hinted` when it came from the last known values instead of the product service. */
export type HintedAvailability = { items: Availability[]; hinted?: boolean };

/** Wraps the product client so `availability` remembers answers and, under `accept`, falls back on them. */
export function withStockHints(product: ProductClient, policy: ProductDownPolicy, options: { max?: number; ttlMs?: number } = {}): ProductClient {
  const hints = new LRUCache<string, Availability>({ max: options.max ?? 10_000, ttl: options.ttlMs ?? 15 * 60_000 });
  const availability = async (input: { productIds: string[] }, callOptions?: { timeoutMs?: number }): Promise<HintedAvailability> => {
    try {
      const answer = await product.availability(input, callOptions);
      for (const item of answer.items) hints.set(item.productId, item);
      return answer;
    } catch (error) {
      if (policy !== 'accept' || !(error instanceof InternalCallError) || !error.unanswered) throw error;
      const items = input.productIds.map((id) => hints.get(id));
      if (items.some((i) => i === undefined)) throw error;
      return { items: items as Availability[], hinted: true };
    }
  };
  return { ...product, availability } as ProductClient;
}
