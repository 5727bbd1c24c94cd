/**
 * Helpers for the order end-to-end tests: fill a user's cart and check it out through the
 * gateway, and read stock, sales and payments straight from the database (what the platform
 * actually did, not what it says it did).
 */
import { AddCartLineDocument, CheckoutDocument, type CheckoutInput, type CheckoutMutation } from '@platform/client';
import { startStack, type TestStack } from '@platform/e2e/support';
import { expectType, sql } from '@platform/testing';

/** A stack for the order tests. Background sweeps are off (the tests run them with their own clock). */
export async function startOrderStack(env: Record<string, string> = {}): Promise<TestStack> {
  return startStack({ env: { CHECKOUT_RECOVERY_INTERVAL_MS: '0', RESERVATION_SWEEP_INTERVAL_MS: '0', ...env } });
}

export const ADDRESS = { name: 'Tan Wei Ling', line1: '1 Raffles Place', line2: '#20-01', city: 'Singapore', postalCode: '048616', country: 'SG' } as const;

export type CheckoutResult = CheckoutMutation['checkout'];
export type PlacedOrder = Extract<CheckoutResult, { __typename: 'Order' }>;

/** Adds lines to a user's cart and returns the cart's version afterwards. */
export async function fillCart(stack: TestStack, user: string, lines: { productId: string; quantity: number }[]): Promise<number> {
  let version = 0;
  for (const line of lines) {
    version = expectType((await stack.data(AddCartLineDocument, { input: line }, { user })).addCartLine, 'Cart').version;
  }
  return version;
}

/** Checks out as `user` with a valid address and `tok_ok` unless overridden; returns the typed result. */
export async function checkout(stack: TestStack, user: string, input: Partial<CheckoutInput> & { expectedCartVersion: number }): Promise<CheckoutResult> {
  const { checkout: result } = await stack.data(
    CheckoutDocument,
    { input: { idempotencyKey: `key-${user}-${Math.random().toString(36).slice(2)}`, shippingAddress: ADDRESS, paymentToken: 'tok_ok', ...input } },
    { user },
  );
  return result;
}

/** On hand and reserved units of a product, from catalog."Inventory". */
export async function stockOf(stack: TestStack, productId: string): Promise<{ onHand: number; reserved: number }> {
  const [row] = await sql<{ onHand: number; reserved: number }>(stack.db.url, `SELECT "onHand", reserved FROM catalog."Inventory" WHERE "productId" = $1`, [productId]);
  if (!row) throw new Error(`no inventory for ${productId}`);
  return row;
}

/** Units of a product on orders with a status, from orders."OrderLine". */
export async function unitsOrdered(stack: TestStack, productId: string, status: 'PAID' | 'CANCELLED' = 'PAID'): Promise<number> {
  const [row] = await sql<{ units: number }>(
    stack.db.url,
    `SELECT coalesce(sum(l.quantity), 0)::int AS units FROM orders."OrderLine" l JOIN orders."Order" o ON o.id = l."orderId" WHERE l."productId" = $1 AND o.status = $2::orders."OrderStatus"`,
    [productId, status],
  );
  return row!.units;
}

/** Orders and payments of one user, from the orders schema. */
export async function moneyOf(stack: TestStack, userId: string) {
  const orders = await sql<{ id: string; status: string; total: string }>(stack.db.url, `SELECT id, status, total::text FROM orders."Order" WHERE "userId" = $1`, [userId]);
  const payments = await sql<{ kind: string; status: string; amount: string }>(
    stack.db.url,
    `SELECT p.kind::text, p.status, p.amount::text FROM orders."Payment" p JOIN orders."Checkout" c ON c.id = p."checkoutId" WHERE c."userId" = $1 ORDER BY p."createdAt"`,
    [userId],
  );
  return {
    orders,
    payments,
    /** Charges that stand: succeeded and not refunded. */
    standingCharges: payments.filter((p) => p.kind === 'CHARGE' && p.status === 'SUCCEEDED'),
  };
}

/** The user's cart straight from the database: its version and active lines. */
export async function cartOf(stack: TestStack, userId: string): Promise<{ version: number; lines: { productId: string; quantity: number }[] }> {
  const [cart] = await sql<{ id: string; version: number }>(stack.db.url, `SELECT id, version FROM cart."Cart" WHERE "ownerType" = 'USER' AND "ownerId" = $1`, [userId]);
  if (!cart) return { version: 0, lines: [] };
  const lines = await sql<{ productId: string; quantity: number }>(stack.db.url, `SELECT "productId", quantity FROM cart."CartLine" WHERE "cartId" = $1 AND NOT "savedForLater" ORDER BY "addedAt"`, [cart.id]);
  return { version: cart.version, lines };
}

/** A checkout row's status and attempt, by user. */
export async function checkoutsOf(stack: TestStack, userId: string) {
  return sql<{ id: string; status: string; attempt: number; hasToken: boolean }>(
    stack.db.url,
    `SELECT id, status::text, attempt, (state ? 'paymentToken') AS "hasToken" FROM orders."Checkout" WHERE "userId" = $1 ORDER BY "createdAt"`,
    [userId],
  );
}
