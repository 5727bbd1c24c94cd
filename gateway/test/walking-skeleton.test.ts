import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartAcrossSubgraphsDocument, ProductsDocument } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

describe('a cart read crosses all four subgraphs through the gateway', () => {
  it('returns the lines with product names and prices, and the order count', async () => {
    const { products } = await stack.data(ProductsDocument, { first: 2 });
    const [first, second] = products.edges.map((e) => e.node);
    const alice = { user: 'alice' } as const;
    await stack.data(AddCartLineDocument, { input: { productId: first!.id, quantity: 2 } }, alice);
    await stack.data(AddCartLineDocument, { input: { productId: second!.id, quantity: 1 } }, alice);

    const result = await stack.data(CartAcrossSubgraphsDocument, {}, alice);
    expect(result.orders.totalCount).toBe(0);
    expect(result.cart?.lines).toEqual([
      { quantity: 2, unitPrice: { amount: first!.price.amount }, product: { name: first!.name, price: { amount: first!.price.amount } } },
      { quantity: 1, unitPrice: { amount: second!.price.amount }, product: { name: second!.name, price: { amount: second!.price.amount } } },
    ]);
  });
});
