/**
 * Helpers for the pricing end-to-end tests: internal calls as a platform service, direct SQL for
 * what the public API cannot set yet (a cart's coupon codes and shipping country), and cache
 * control so a test can measure a cold read.
 */
import { createInternalClient, InternalCallError, type InternalTransport } from '@platform/server';
import { pricingClient, type PricingClient } from '@subgraph/pricing/contract';
import { Redis } from '@platform/redis';
import { TEST_INTERNAL_SECRET, TEST_REDIS_URL, type TestStack } from '@platform/e2e/support';
import { sql } from '@platform/testing';

export const ADMIN = { user: 'pricing-admin', role: 'admin' } as const;

/** The typed client of pricing's internal operations, signed as the order service (as checkout calls them). */
export function pricingInternal(stack: TestStack): PricingClient {
  return pricingClient({ baseUrl: stack.subgraphs.pricing.url, secret: TEST_INTERNAL_SECRET, caller: 'order', timeoutMs: 15_000 });
}

/** The bare transport to pricing's internal operations, for bodies no typed caller could send. */
export function pricingTransport(stack: TestStack): InternalTransport {
  return createInternalClient({ baseUrl: stack.subgraphs.pricing.url, secret: TEST_INTERNAL_SECRET, caller: 'order', service: 'pricing', timeoutMs: 15_000 });
}

/** The HTTP status and error code of a refused internal call. */
export async function refusal(call: Promise<unknown>): Promise<{ status: number | undefined; code: string | undefined }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof InternalCallError) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('the call was expected to be refused');
}

export interface DemoProduct {
  id: string;
  name: string;
  price: string;
}

/** `count` demo products with at least 10 units in stock (id, name, price), in catalog order. */
export async function demoProducts(stack: TestStack, count: number): Promise<DemoProduct[]> {
  const query = 'query ($after: String) { products(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id name price { amount } availability { availableQuantity } } } } }';
  type Page = { products: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string; name: string; price: { amount: string }; availability: { availableQuantity: number } } }[] } };
  const found: DemoProduct[] = [];
  let after: string | null = null;
  do {
    const page: Page = await stack.data<Page>(query, { after });
    for (const { node } of page.products.edges) if (node.availability.availableQuantity >= 10) found.push({ id: node.id, name: node.name, price: node.price.amount });
    after = page.products.pageInfo.hasNextPage ? page.products.pageInfo.endCursor : null;
  } while (found.length < count && after);
  if (found.length < count) throw new Error(`only ${found.length} demo products in stock`);
  return found.slice(0, count);
}

/** Deletes every key under the stack's Redis prefix that matches `pattern` (e.g. "pricing:price:*"). */
export async function purgeRedis(stack: TestStack, pattern: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  await redis.connect();
  try {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${stack.redisPrefix}${pattern}`, count: 500 }) as AsyncIterable<string[]>) keys.push(...batch);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/**
 * Sets a cart's coupon codes and shipping country in the cart's own table (the public mutations
 * for them belong to the cart subgraph), then drops the cart subgraph's cached view and the
 * cache tags (so no gateway serves a response cached before), as a writer would, so the next
 * read sees the change.
 */
export async function setCartPricing(stack: TestStack, cartId: string, couponCodes: string[], shippingCountry: string | null): Promise<void> {
  await sql(stack.db.url, `UPDATE cart."Cart" SET "couponCodes" = $2, "shippingCountry" = $3, version = version + 1 WHERE id = $1`, [cartId, couponCodes, shippingCountry]);
  await purgeRedis(stack, 'cart:*');
  await purgeRedis(stack, 'tag:*');
}

/** Number of SQL statements each subgraph ran while `run` ran. */
export async function countSql<T>(stack: TestStack, run: () => Promise<T>): Promise<{ result: T; pricing: number; product: number }> {
  const pricing = stack.subgraphs.pricing.sql.count;
  const product = stack.subgraphs.product.sql.count;
  const result = await run();
  return { result, pricing: stack.subgraphs.pricing.sql.count - pricing, product: stack.subgraphs.product.sql.count - product };
}
