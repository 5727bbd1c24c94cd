/**
 * The bench's operations (the documents the issue names, verbatim) and its data, made through
 * the public API as an operator and shoppers would: products with prices and stock, users with
 * filled carts. Set-up is never measured. Shared data (products, the viewed carts) is made once
 * per run and reused by every scenario that needs it.
 */
import { signUserToken } from '@platform/auth';
import { createClient, createProduct, type FixtureProduct, type TestClient } from '@platform/testing';
import type { Fleet } from './fleet.ts';
import type { RequestSpec } from './load-spec.ts';

export const CART_VIEW = `query { cart { lines { quantity unitPrice { amount } currentUnitPrice { amount } priceChanged product { name price { amount } } } cost { subtotal { amount } tax { amount } shipping { amount } total { amount } } } }`;
export const PRODUCT_PAGE = `query ($id: ID!) { product(id: $id) { id name description brand price { amount currencyCode } availability { inStock availableQuantity } } }`;
export const ADD_LINE = `mutation ($input: AddCartLineInput!) { addCartLine(input: $input) { __typename ... on Cart { version totalQuantity } ... on UserError { code message } } }`;
export const CHECKOUT = `mutation ($input: CheckoutInput!) { checkout(input: $input) { __typename ... on Order { id total { amount } } ... on UserError { code message } } }`;
export const CART_TOTAL = `query { cart { version totalQuantity } }`;
export const LIVE_SUBSCRIPTION = `subscription { cartUpdated { version type cart { totalQuantity } } }`;
const CATALOG_PAGE = `query ($first: Int, $after: String) { products(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
export const ADDRESS = { name: 'Bench Buyer', line1: '1 Raffles Place', city: 'Singapore', postalCode: '048616', country: 'SG' };

/** What a `cart` answer holds when the view worked (a user without a cart would get `null`). */
export const EXPECT_CART = '"lines":[';
export const EXPECT_PRODUCT = '"product":{';
export const EXPECT_ADDED = '"__typename":"Cart"';
export const EXPECT_ORDER = '"__typename":"Order"';

/** A GraphQL POST the load generator can send, as a user (`token`) or anonymously. */
export function graphqlRequest(query: string, variables: Record<string, unknown>, token?: string, expect?: string): RequestSpec {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    ...(expect ? { expect } : {}),
  };
}

/** Runs `fn` over `items`, at most `concurrency` at a time, in order of start. */
export async function parallel<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!, i);
    }),
  );
  return results;
}

export interface BenchUser {
  id: string;
  token: string;
}

/** Set-up through the cache-on gateway, memoizing what several scenarios share. */
export class Dataset {
  readonly client: TestClient;
  private products?: Promise<FixtureProduct[]>;
  private viewers?: Promise<BenchUser[]>;
  private catalog?: Promise<string[]>;

  constructor(readonly fleet: Fleet) {
    this.client = createClient(`${fleet.gateway.origin}/graphql`, fleet.jwtSecret, { retriesWhenShed: 10 });
  }

  /** A user with a JWT signed by this run's secret (valid for 12 hours). */
  async user(id: string): Promise<BenchUser> {
    return { id, token: await signUserToken(this.fleet.jwtSecret, { userId: id, expiresInSeconds: 12 * 3_600 }) };
  }

  users(prefix: string, count: number): Promise<BenchUser[]> {
    return Promise.all(Array.from({ length: count }, (_, i) => this.user(`${prefix}-${i}`)));
  }

  /** 20 bench products with prices and stock no scenario can exhaust. */
  benchProducts(): Promise<FixtureProduct[]> {
    this.products ??= parallel(
      Array.from({ length: 20 }, (_, i) => i),
      5,
      (i) => createProduct(this.client, { name: `Bench item ${i}`, price: `${(i % 9) + 1}.${String(10 + i).slice(-2)}`, stock: 50_000_000, brand: 'Bench' }),
    );
    return this.products;
  }

  /** Sends one operation as `user`; throws on GraphQL errors. */
  async as<T>(user: BenchUser, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return this.client.data<T>(query, variables, { headers: { authorization: `Bearer ${user.token}` } });
  }

  /** Adds `lines` distinct bench products to `user`'s cart (quantity 1 each); returns the cart version. */
  async fillCart(user: BenchUser, lines: number, offset = 0): Promise<number> {
    const products = await this.benchProducts();
    let version = 0;
    for (let l = 0; l < lines; l++) {
      const product = products[(offset + l) % products.length]!;
      const { addCartLine } = await this.as<{ addCartLine: { __typename: string; version?: number; message?: string } }>(user, ADD_LINE, { input: { productId: product.id, quantity: 1 } });
      if (addCartLine.__typename !== 'Cart') throw new Error(`set-up addCartLine for ${user.id} answered ${addCartLine.__typename}: ${addCartLine.message}`);
      version = addCartLine.version!;
    }
    return version;
  }

  /** 200 users, each with a 5-line cart: the carts the view scenarios and the mixed load read. */
  viewUsers(): Promise<BenchUser[]> {
    this.viewers ??= (async () => {
      const users = await this.users('bench-viewer', 200);
      await parallel(users, 16, (u, i) => this.fillCart(u, 5, i));
      return users;
    })();
    return this.viewers;
  }

  /** The ids of the first `count` demo catalog products (the template's 1,268). */
  catalogIds(count = 500): Promise<string[]> {
    this.catalog ??= (async () => {
      const ids: string[] = [];
      for (let after: string | null = null, more = true; more && ids.length < count; ) {
        type Page = { products: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string } }[] } };
        const { products }: Page = await this.client.data<Page>(CATALOG_PAGE, { first: 100, after });
        ids.push(...products.edges.map((e) => e.node.id));
        ({ hasNextPage: more, endCursor: after } = products.pageInfo);
      }
      return ids.slice(0, count);
    })();
    return this.catalog;
  }

  /** Sends every request once (through its gateway) so that what the scenario measures is a repeat. */
  async prime(origin: string, requests: readonly RequestSpec[]): Promise<void> {
    const unique = [...new Map(requests.map((r) => [`${r.headers.authorization ?? ''} ${r.body ?? ''}`, r])).values()];
    await parallel(unique, 16, async (r) => {
      // A gateway that sheds load while it warms up (503 with Retry-After) is asked again, as a client would.
      for (let attempt = 1; ; attempt++) {
        const response = await fetch(`${origin}${r.path}`, { method: r.method, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) });
        const text = await response.text();
        if (response.status === 503 && attempt < 10) {
          await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)));
          continue;
        }
        if (!response.ok || text.includes('"errors":')) throw new Error(`priming ${r.path} answered ${response.status}: ${text.slice(0, 300)}`);
        return;
      }
    });
  }
}
