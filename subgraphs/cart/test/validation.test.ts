import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddCartLineDocument,
  ApplyCouponCodeDocument,
  RemoveCartLineDocument,
  RemoveCouponCodeDocument,
  SetShippingCountryDocument,
  UpdateCartLineDocument,
} from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { createProduct, expectType, sql, type FixtureProduct } from '@platform/testing';

let stack: TestStack;
let product: FixtureProduct;
let lineId: string;
const me = { user: 'validator' } as const;

/** The cart as the database has it: version and line count. */
async function stored() {
  const rows = await sql<{ version: number; lines: number }>(
    stack.db.url,
    `SELECT c.version, (SELECT count(*)::int FROM cart."CartLine" l WHERE l."cartId" = c.id) AS lines FROM cart."Cart" c WHERE c."ownerId" = $1`,
    [me.user],
  );
  return rows[0];
}

beforeAll(async () => {
  stack = await startStack();
  product = await createProduct(stack, { price: '3.00', stock: 2000 });
  const { addCartLine } = await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 990 } }, me);
  lineId = expectType(addCartLine, 'Cart').lines[0]!.id;
});
afterAll(() => stack?.stop());

describe('invalid cart input is rejected with a typed result and writes nothing', () => {
  const cases: [string, () => Promise<{ __typename: string; code?: string }>, string][] = [
    ['addCartLine with quantity 0', async () => (await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 0 } }, me)).addCartLine, 'InvalidQuantity'],
    ['addCartLine with quantity -3', async () => (await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: -3 } }, me)).addCartLine, 'InvalidQuantity'],
    ['addCartLine with quantity 1000', async () => (await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1000 } }, me)).addCartLine, 'InvalidQuantity'],
    ['addCartLine that would take a line past 999', async () => (await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 10 } }, me)).addCartLine, 'InvalidQuantity'],
    ['updateCartLine to 0', async () => (await stack.data(UpdateCartLineDocument, { input: { lineId, quantity: 0 } }, me)).updateCartLine, 'InvalidQuantity'],
    ['updateCartLine to 1000', async () => (await stack.data(UpdateCartLineDocument, { input: { lineId, quantity: 1000 } }, me)).updateCartLine, 'InvalidQuantity'],
    ['a malformed product id', async () => (await stack.data(AddCartLineDocument, { input: { productId: "1'; DROP TABLE x; --", quantity: 1 } }, me)).addCartLine, 'ProductNotFound'],
    ['an unknown product id', async () => (await stack.data(AddCartLineDocument, { input: { productId: '00000000-0000-7000-8000-000000000000', quantity: 1 } }, me)).addCartLine, 'ProductNotFound'],
    ['options over 2 KB', async () => (await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1, options: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'x'.repeat(100)])) } }, me)).addCartLine, 'InvalidOptions'],
    ['nested options', async () => (await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1, options: { size: { eu: 42 } } } }, me)).addCartLine, 'InvalidOptions'],
    ['options that are not an object', async () => (await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1, options: ['M'] } }, me)).addCartLine, 'InvalidOptions'],
    ['a malformed line id', async () => (await stack.data(RemoveCartLineDocument, { input: { lineId: 'not-a-line' } }, me)).removeCartLine, 'LineNotFound'],
    ['an unknown line id', async () => (await stack.data(UpdateCartLineDocument, { input: { lineId: '00000000-0000-7000-8000-000000000001', quantity: 2 } }, me)).updateCartLine, 'LineNotFound'],
    ['a malformed coupon code', async () => (await stack.data(ApplyCouponCodeDocument, { input: { code: 'no spaces!' } }, me)).applyCouponCode, 'InvalidCoupon'],
    ['an unknown coupon code', async () => (await stack.data(ApplyCouponCodeDocument, { input: { code: 'NOSUCHCODE' } }, me)).applyCouponCode, 'InvalidCoupon'],
    ['removing a coupon that is not applied', async () => (await stack.data(RemoveCouponCodeDocument, { input: { code: 'SAVE5' } }, me)).removeCouponCode, 'InvalidCoupon'],
    ['a malformed country code', async () => (await stack.data(SetShippingCountryDocument, { input: { country: 'Singapore' } }, me)).setShippingCountry, 'InvalidCountry'],
    ['a country the store does not ship to', async () => (await stack.data(SetShippingCountryDocument, { input: { country: 'US' } }, me)).setShippingCountry, 'InvalidCountry'],
    ['a stale expectedVersion', async () => (await stack.data(UpdateCartLineDocument, { input: { lineId, quantity: 5, expectedVersion: 0 } }, me)).updateCartLine, 'VersionConflict'],
  ];

  it.each(cases)('%s', async (_name, run, typename) => {
    const before = await stored();
    expect(await run()).toMatchObject({ __typename: typename, code: expect.stringMatching(/^[A-Z_]+$/) });
    expect(await stored()).toEqual(before);
  });

  it('InvalidCountry lists the countries the store ships to', async () => {
    const result = (await stack.data(SetShippingCountryDocument, { input: { country: 'US' } }, me)).setShippingCountry;
    expect(result).toMatchObject({ __typename: 'InvalidCountry', country: 'US', supportedCountries: ['ID', 'MY', 'PH', 'SG', 'TH', 'VN'] });
  });

  it('a failed first add does not create a cart', async () => {
    const stranger = { user: 'never-had-a-cart' } as const;
    const result = (await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1000 } }, stranger)).addCartLine;
    expectType(result, 'InvalidQuantity');
    expect(await sql(stack.db.url, `SELECT 1 FROM cart."Cart" WHERE "ownerId" = $1`, [stranger.user])).toEqual([]);
  });

  it('InsufficientStock carries the available quantity', async () => {
    const scarce = await createProduct(stack, { stock: 3 });
    const result = (await stack.data(AddCartLineDocument, { input: { productId: scarce.id, quantity: 4 } }, me)).addCartLine;
    expect(result).toMatchObject({ __typename: 'InsufficientStock', availableQuantity: 3 });
  });

  it('a cart holds at most 100 distinct lines', async () => {
    const user = { user: 'hoarder' } as const;
    const products = await stack.data<{ products: { edges: { node: { id: string } }[] } }>('query { products(first: 100, filter: { inStockOnly: true }) { edges { node { id } } } }');
    expect(products.products.edges).toHaveLength(100);
    for (const { node } of products.products.edges) expectType((await stack.data(AddCartLineDocument, { input: { productId: node.id, quantity: 1 } }, user)).addCartLine, 'Cart');
    const another = await createProduct(stack, { stock: 10 });
    const over = (await stack.data(AddCartLineDocument, { input: { productId: another.id, quantity: 1 } }, user)).addCartLine;
    expect(over).toMatchObject({ __typename: 'CartLimitExceeded', maxLines: 100 });
  });

  it('a fractional quantity is refused by the schema before any resolver runs', async () => {
    const result = await stack.request(AddCartLineDocument, { input: { productId: product.id, quantity: 1.5 } }, me);
    expect(result.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });
});
