/**
 * Cart scenario: through the gateway, the cached cart view (a 5-line cart with product names,
 * prices and current prices) and addCartLine; with the cache hit rate and SQL run per view.
 */
import { startStack } from '@platform/e2e/support';
import { createProduct } from '@platform/testing';
import { graphqlClient, measure, report } from './lib.ts';

const VIEW = `query { cart { id version totalQuantity subtotal { amount } lines { quantity unitPrice { amount } product { name price { amount } } } } }`;
const ADD = `mutation ($input: AddCartLineInput!) { addCartLine(input: $input) { __typename ... on Cart { version } } }`;

export async function runCartBench(options: { durationMs: number; concurrency: number; users: number }): Promise<void> {
  const stack = await startStack({ env: { DATABASE_POOL_SIZE: '20' } });
  try {
    const products = await Promise.all(Array.from({ length: 5 }, (_, i) => createProduct(stack, { name: `Bench item ${i}`, price: `${i + 1}.90`, stock: 1_000_000 })));
    const tokens = await Promise.all(Array.from({ length: options.users }, (_, i) => stack.userToken(`bench-user-${i}`, { expiresInSeconds: 3600 })));
    const client = graphqlClient(stack.url);
    const auth = (i: number) => ({ authorization: `Bearer ${tokens[i % tokens.length]}` });
    for (let u = 0; u < tokens.length; u++) for (const p of products) await client.send(ADD, { input: { productId: p.id, quantity: 1 } }, auth(u));
    for (let u = 0; u < tokens.length; u++) await client.send(VIEW, {}, auth(u)); // warm the caches

    const { cart, product, pricing } = stack.subgraphs;
    const sqlBefore = cart.sql.count + product.sql.count + pricing.sql.count;
    const cacheBefore = { ...cart.cache.stats };
    const view = await measure('cart view (5 lines, cached)', options, (w, i) => client.send(VIEW, {}, auth(w + i * options.concurrency)).then(() => undefined));
    const sqlPerView = (cart.sql.count + product.sql.count + pricing.sql.count - sqlBefore) / Math.max(1, view.ops);
    const hits = cart.cache.stats.hits - cacheBefore.hits;
    const misses = cart.cache.stats.misses - cacheBefore.misses;

    const add = await measure('addCartLine', options, (w, i) => client.send(ADD, { input: { productId: products[i % products.length]!.id, quantity: 1 } }, auth(w)).then(() => undefined));
    report('Cart (through the gateway)', [view, add], [
      `cart cache hit rate during the view run: ${((100 * hits) / Math.max(1, hits + misses)).toFixed(2)} % (${hits} hits, ${misses} misses)`,
      `SQL statements per cached cart view, all subgraphs: ${sqlPerView.toFixed(3)}`,
      `${options.concurrency} concurrent clients, ${options.users} users, ${options.durationMs / 1000} s per scenario; gateway, subgraphs and load generator share one process on this machine`,
    ]);
    await client.close();
  } finally {
    await stack.stop();
  }
}
