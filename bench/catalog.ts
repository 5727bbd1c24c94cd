/**
 * Catalog scenario: through the gateway, product search (ranked full-text over the 1,268-product
 * demo catalog, a page of 20 with prices and availability) and the product page (`product(id)`
 * with price, category and availability); with the product subgraph's SQL per operation.
 */
import { startStack } from '@platform/e2e/support';
import { graphqlClient, measure, report, type Measurement } from './lib.ts';

const SEARCH = `query BenchSearch($filter: ProductFilter, $first: Int) {
  products(filter: $filter, first: $first) {
    totalCount
    edges { cursor node { id name brand price { amount currencyCode } availability { inStock } } }
  }
}`;

const PRODUCT_PAGE = `query BenchProductPage($id: ID!) {
  product(id: $id) {
    id sku name description brand images attributes
    category { id name path parent { id name } }
    availability { inStock availableQuantity }
    price { amount currencyCode }
  }
}`;

const CATALOG = `query BenchCatalog($first: Int, $after: String) {
  products(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id name brand } } }
}`;

interface CatalogProduct {
  id: string;
  name: string;
  brand: string | null;
}
type CatalogPage = { products: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: CatalogProduct }[] } };

/** Search terms a shopper would type: exact names, brand plus a word, single words and quoted phrases. */
function searchTerms(products: CatalogProduct[]): string[] {
  const terms = new Set<string>();
  products.forEach((p, i) => {
    const words = p.name.split(/\s+/);
    if (i % 4 === 0) terms.add(p.name);
    if (p.brand && words[1]) terms.add(`${p.brand} ${words[1]}`);
    if (words.length > 1) terms.add(words[words.length - 1]!);
    if (i % 7 === 0 && words.length > 2) terms.add(`"${words[1]} ${words[2]}"`);
  });
  return [...terms];
}

/**
 * Benchmarks search and the product page against a running gateway (`stackUrl` is its `/graphql`
 * URL). `productSql`, when given, is the product subgraph's SQL counter, reported per operation.
 */
export async function benchCatalog(stackUrl: string, options: { durationMs: number; concurrency: number }, productSql?: { count: number }): Promise<void> {
  const client = graphqlClient(stackUrl);
  try {
    const catalog: CatalogProduct[] = [];
    for (let after: string | null = null, more = true; more; ) {
      const { products }: CatalogPage = await client.send<CatalogPage>(CATALOG, { first: 100, after });
      catalog.push(...products.edges.map((e) => e.node));
      ({ hasNextPage: more, endCursor: after } = products.pageInfo);
    }
    const terms = searchTerms(catalog);
    const search = (w: number, i: number) => client.send(SEARCH, { filter: { search: terms[(w * 7_919 + i * 104_729) % terms.length] }, first: 20 }).then(() => undefined);
    const page = (w: number, i: number) => client.send(PRODUCT_PAGE, { id: catalog[(w * 7_919 + i * 104_729) % catalog.length]!.id }).then(() => undefined);

    // Steady state: every product page has been seen once (Redis holds products for 5 minutes).
    for (let i = 0; i < catalog.length; i += options.concurrency) {
      await Promise.all(catalog.slice(i, i + options.concurrency).map((p) => client.send(PRODUCT_PAGE, { id: p.id })));
    }
    const warmUp = { concurrency: options.concurrency, durationMs: Math.min(1_000, Math.floor(options.durationMs / 5)) };
    const rows: Measurement[] = [];
    const notes: string[] = [];
    for (const [name, op] of [
      ['product search (20 per page, ranked)', search],
      ['product page (with price)', page],
    ] as const) {
      await measure(`${name} warm-up`, warmUp, op);
      const before = productSql?.count ?? 0;
      const row = await measure(name, options, op);
      rows.push(row);
      if (productSql) notes.push(`${name}: ${((productSql.count - before) / Math.max(1, row.ops)).toFixed(2)} product SQL statements per operation`);
    }
    notes.push(`${catalog.length} products, ${terms.length} distinct search terms, ${options.concurrency} concurrent clients, ${options.durationMs / 1000} s per scenario`);
    notes.push('every product page was read once before measuring (steady-state cache); availability entries expire after 60 s');
    notes.push('gateway, subgraphs and load generator share one process on this machine');
    report('Catalog (through the gateway)', rows, notes);
  } finally {
    await client.close();
  }
}

/** `npm run bench -- catalog`: starts a fresh platform (demo catalog), benchmarks it, stops it. */
export async function runCatalogBench(options: { durationMs: number; concurrency: number }): Promise<void> {
  const stack = await startStack({ env: { DATABASE_POOL_SIZE: '20' } });
  try {
    await benchCatalog(stack.url, options, stack.subgraphs.product.sql);
  } finally {
    await stack.stop();
  }
}
