/**
 * Test data through the public admin API, exactly as an operator would create it: a product
 * with a price and a stock level, so each test controls what it depends on.
 */
import { randomBytes } from 'node:crypto';
import type { TestClient } from './client.ts';

const ADMIN = { user: 'fixture-admin', role: 'admin' } as const;

export interface FixtureProduct {
  id: string;
  sku: string;
  name: string;
  price: string;
}

/** Creates a product priced `price` (a decimal string) with `stock` units on hand. */
export async function createProduct(client: TestClient, options: { name?: string; price?: string; stock?: number; brand?: string } = {}): Promise<FixtureProduct> {
  const sku = `TEST-${randomBytes(5).toString('hex').toUpperCase()}`;
  const name = options.name ?? `Test product ${sku}`;
  const { upsertProduct } = await client.data<{ upsertProduct: { id: string } }>(
    'mutation ($input: ProductInput!) { upsertProduct(input: $input) { id } }',
    { input: { sku, name, brand: options.brand ?? 'Fixture', description: 'Created by a test.' } },
    ADMIN,
  );
  const price = options.price ?? '10.00';
  await client.data('mutation ($id: ID!, $amount: Decimal!) { setPrice(productId: $id, amount: $amount) { id } }', { id: upsertProduct.id, amount: price }, ADMIN);
  await client.data('mutation ($id: ID!, $onHand: Int!) { setStock(productId: $id, onHand: $onHand) { id } }', { id: upsertProduct.id, onHand: options.stock ?? 100 }, ADMIN);
  return { id: upsertProduct.id, sku, name, price };
}

/** Sets a product's stock through the admin API. */
export async function setStock(client: TestClient, productId: string, onHand: number): Promise<void> {
  await client.data('mutation ($id: ID!, $onHand: Int!) { setStock(productId: $id, onHand: $onHand) { id } }', { id: productId, onHand }, ADMIN);
}

/** Sets a product's current price through the admin API. */
export async function setPrice(client: TestClient, productId: string, amount: string): Promise<void> {
  await client.data('mutation ($id: ID!, $amount: Decimal!) { setPrice(productId: $id, amount: $amount) { id } }', { id: productId, amount }, ADMIN);
}
