/** Serves the product subgraph's internal operations (`contract/`): stock for cart and order, flash-sale pools for order. */
import { refuse, serveContract, type InternalOperation } from '@platform/server';
import { loadAvailability, loadProducts } from './cache/catalog-reads.ts';
import { flashSaleContract, productContract, type ProductSnapshot } from './contract/index.ts';
import { serviceContext, type ContextDeps } from './request-context.ts';
import type { ProductServices } from './services/index.ts';
import { CheckoutKeyConflict } from './services/inventory-service.ts';

export function internalOperations(deps: ContextDeps, { inventory, flashRedemptions }: ProductServices): Record<string, InternalOperation> {
  const ctx = (caller: string) => serviceContext(deps, caller);
  const flash = serveContract(flashSaleContract, {
    flashRedeem: (input, caller) => flashRedemptions.redeem(ctx(caller.service), input),
    flashConsume: (input, caller) => flashRedemptions.consume(ctx(caller.service), input),
    flashRelease: (input, caller) => flashRedemptions.release(ctx(caller.service), input),
    flashRestock: (input, caller) => flashRedemptions.restock(ctx(caller.service), input),
  });
  return { ...flash, ...stock(ctx, deps, inventory) };
}

function stock(ctx: (caller: string) => ReturnType<typeof serviceContext>, deps: ContextDeps, inventory: ProductServices['inventory']): Record<string, InternalOperation> {
  return serveContract(productContract, {
    async availability({ productIds }) {
      return { items: await loadAvailability(deps.reads, productIds) };
    },
    products: ({ productIds }) => snapshots(deps, productIds),
    async reserve(input, caller) {
      try {
        // The lines' products are read (cache first) while the stock is held: a hold answers them too.
        const [outcome, products] = await Promise.all([inventory.reserve(ctx(caller.service), input), snapshots(deps, input.lines.map((l) => l.productId))]);
        return outcome.ok ? { ...outcome, products: products.items } : outcome;
      } catch (error) {
        if (error instanceof CheckoutKeyConflict) refuse(productContract, 'reserve', 'CHECKOUT_KEY_REUSED', error.message);
        throw error;
      }
    },
    consume: (input, caller) => inventory.consume(ctx(caller.service), input),
    release: (input, caller) => inventory.release(ctx(caller.service), input),
    restock: (input, caller) => inventory.restock(ctx(caller.service), input),
  });
}

/** Sku and name of the products that exist, in request order. */
async function snapshots(deps: ContextDeps, productIds: readonly string[]): Promise<{ items: ProductSnapshot[] }> {
  const products = await loadProducts(deps.reads, [...new Set(productIds)]);
  const byId = new Map(products.flatMap((p) => (p ? [[p.id, p] as const] : [])));
  return { items: productIds.flatMap((id) => { const p = byId.get(id); return p ? [{ productId: id, sku: p.sku, name: p.name }] : []; }) };
}
