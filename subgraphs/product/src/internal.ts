/**
 * Internal operations of the product subgraph for other services (not in the public schema):
 * JSON over `/internal/<op>`, callable only with the platform's signed service identity.
 *
 *   availability {productIds}                          -> {items: [{productId, exists, availableQuantity}]}
 *   products     {productIds}                          -> {items: [{productId, sku, name}]} for those that exist
 *   reserve      {checkoutKey, lines, ttlSeconds?}     -> {ok: true, status, expiresAt, lines} | {ok: false, shortages}
 *   consume | release | restock {checkoutKey}          -> {ok, status, lines}
 *
 * Bad input answers 400; a checkout key reused for other lines answers 409 CHECKOUT_KEY_REUSED.
 */
import { HttpError, type InternalOperation } from '@platform/server';
import { z } from '@platform/config';
import { loadAvailability, loadProducts, type CatalogReads } from './data/loaders.ts';
import { CheckoutKeyConflict, type InventoryService } from './services/inventory.ts';

/** Most products one call may name; a cart holds at most 100 lines. */
const MAX_ITEMS = 200;

/** Ids as Postgres prints them (lower case), so they match cache keys, sort orders and stored rows. */
const productId = z
  .string()
  .uuid()
  .transform((id) => id.toLowerCase());
const productIds = z.object({ productIds: z.array(productId).min(1).max(MAX_ITEMS) });
const checkoutKey = z.string().trim().min(1).max(200);
const reserveBody = z.object({
  checkoutKey,
  lines: z
    .array(z.object({ productId, quantity: z.number().int().positive().max(100_000) }))
    .min(1)
    .max(MAX_ITEMS),
  ttlSeconds: z.number().int().positive().max(86_400).optional(),
});
const keyBody = z.object({ checkoutKey });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new HttpError(400, `invalid request: ${where}${issue?.message ?? 'bad body'}`, 'BAD_REQUEST');
  }
  return result.data;
}

async function conflictAs409<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CheckoutKeyConflict) throw new HttpError(409, error.message, error.code);
    throw error;
  }
}

export function internalOperations(reads: CatalogReads, inventory: InventoryService): Record<string, InternalOperation> {
  return {
    /** Soft stock check for many products at once (may be up to 60 s stale): which exist, and how many are available. */
    async availability(body) {
      const { productIds: ids } = parse(productIds, body);
      return { items: await loadAvailability(reads, ids) };
    },

    /** Snapshots (sku and name) of the products that exist, in request order, for order lines. */
    async products(body) {
      const { productIds: ids } = parse(productIds, body);
      const products = await loadProducts(reads, [...new Set(ids)]);
      const byId = new Map(products.flatMap((p) => (p ? [[p.id, p] as const] : [])));
      return { items: ids.flatMap((id) => (byId.has(id) ? [{ productId: id, sku: byId.get(id)!.sku, name: byId.get(id)!.name }] : [])) };
    },

    /** Holds stock for every line of a checkout, all or nothing; idempotent per checkout key. */
    async reserve(body) {
      const { checkoutKey: key, lines, ttlSeconds } = parse(reserveBody, body);
      return conflictAs409(() => inventory.reserve(key, lines, ttlSeconds));
    },

    /** The checkout succeeded: its held stock leaves the warehouse. Idempotent. */
    async consume(body) {
      return inventory.consume(parse(keyBody, body).checkoutKey);
    },

    /** The checkout failed or was abandoned: its held stock becomes available again. Idempotent. */
    async release(body) {
      return inventory.release(parse(keyBody, body).checkoutKey);
    },

    /** The order was cancelled: its consumed stock goes back on hand. Idempotent. */
    async restock(body) {
      return inventory.restock(parse(keyBody, body).checkoutKey);
    },
  };
}
