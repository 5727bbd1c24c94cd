/**
 * Recommendations: "frequently bought together" for a product and for a cart, from the affinity
 * the consumer keeps (`affinity-consumer.ts`). Only products in stock are recommended; when a
 * product (or cart) has too little history, the best sellers of its categories and then of the
 * whole catalog fill the list, so it is never empty while anything is in stock. Every read goes
 * through the request's DataLoaders and the Redis cache, noting cache tags, so the gateway may
 * cache the answer and drops it when affinity, stock or the cart change.
 */
import { badUserInput } from '@platform/errors';
import type { Product } from '../generated/prisma/client.ts';
import type { RequestContext } from '../request-context.ts';

/** The most a list may hold (API.md: `first <= 20`). */
export const MAX_RECOMMENDATIONS = 20;
export const DEFAULT_RECOMMENDATIONS = 5;

/** The product ids a cart shows, as the cart subgraph provides them (`@requires`). */
export interface CartProducts {
  lines?: readonly { product: { id: string } }[] | null;
  savedForLater?: readonly { product: { id: string } }[] | null;
}

function checkFirst(first: number | null | undefined): number {
  const n = first ?? DEFAULT_RECOMMENDATIONS;
  if (!Number.isInteger(n) || n < 0 || n > MAX_RECOMMENDATIONS) throw badUserInput(`\`first\` must be between 0 and ${MAX_RECOMMENDATIONS}.`, { field: 'first' });
  return n;
}

export class RecommendationService {
  /** The strongest in-stock partners of `product`, then its category's best sellers. */
  async frequentlyBoughtWith(ctx: RequestContext, product: Pick<Product, 'id' | 'categoryId'>, args: { first?: number | null }): Promise<Product[]> {
    const first = checkFirst(args.first);
    if (first === 0) return [];
    const partners = await ctx.loaders.partners.load(product.id);
    return this.pick(ctx, partners.map((p) => p.productId), new Set([product.id]), first, [product.categoryId]);
  }

  /** Products most often bought with the cart's lines (scores summed over them), none already in the cart or saved for later. */
  async forCart(ctx: RequestContext, cart: CartProducts, args: { first?: number | null }): Promise<Product[]> {
    const first = checkFirst(args.first);
    if (first === 0) return [];
    const inCart = [...new Set((cart.lines ?? []).map((l) => l.product.id.toLowerCase()))];
    const exclude = new Set([...inCart, ...(cart.savedForLater ?? []).map((l) => l.product.id.toLowerCase())]);
    const [lists, products] = await Promise.all([ctx.loaders.partners.loadMany(inCart), ctx.loaders.product.loadMany(inCart)]);
    const scores = new Map<string, number>();
    for (const list of lists) {
      if (list instanceof Error) throw list;
      for (const { productId, score } of list) scores.set(productId, (scores.get(productId) ?? 0) + score);
    }
    const ranked = [...scores].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
    const categories = products.flatMap((p) => (p && !(p instanceof Error) ? [p.categoryId] : []));
    return this.pick(ctx, ranked, exclude, first, categories);
  }

  /**
   * The first `first` products of `ranked` that exist, are in stock and are not excluded; when
   * fewer, topped up with the best sellers of `categories`, then of the whole catalog.
   */
  private async pick(ctx: RequestContext, ranked: readonly string[], exclude: ReadonlySet<string>, first: number, categories: readonly (string | null)[]): Promise<Product[]> {
    const chosen: Product[] = [];
    const seen = new Set(exclude);
    // Candidates are checked a few at a time: most lists fill from their first ones.
    const take = async (ids: readonly string[]) => {
      const fresh = ids.filter((id) => !seen.has(id));
      for (let at = 0; at < fresh.length && chosen.length < first; at += first * 2) {
        const slice = fresh.slice(at, at + first * 2);
        slice.forEach((id) => seen.add(id));
        const [stock, rows] = await Promise.all([ctx.loaders.availability.loadMany(slice), ctx.loaders.product.loadMany(slice)]);
        slice.forEach((_, i) => {
          const s = stock[i];
          const p = rows[i];
          if (chosen.length < first && p && !(p instanceof Error) && s && !(s instanceof Error) && s.availableQuantity > 0) chosen.push(p);
        });
      }
    };
    await take(ranked);
    // Fallback tiers, asked for only when needed (each notes the best-seller tag).
    for (const key of [...new Set(categories.map((c) => c ?? '')), '']) {
      if (chosen.length >= first) break;
      await take(await ctx.loaders.bestSellers.load(key));
    }
    return chosen;
  }
}
