/** Helpers shared by the product subgraph's end-to-end tests. */
import { signIdentity, type Identity } from '@platform/auth';
import type { TestStack } from '@platform/e2e/support';
import { sql } from '@platform/testing';

export interface InternalResponse<T> {
  status: number;
  body: T;
}

/** Headers signing the call of internal operation `op` with `body` as `identity` (with `secret`, by default the stack's). */
export function signedAs(stack: TestStack, identity: Identity, op: string, body: unknown, secret = stack.env.INTERNAL_SECRET!): Record<string, string> {
  return signIdentity(identity, secret, { method: 'POST', path: `/internal/${op}`, body: JSON.stringify(body) });
}

/** Calls an internal operation of the product subgraph directly, as a platform service would (or with other headers). */
export async function callInternal<T = Record<string, unknown>>(stack: TestStack, op: string, body: unknown, headers?: Record<string, string>): Promise<InternalResponse<T>> {
  const response = await fetch(new URL(`/internal/${op}`, stack.subgraphs.product.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(headers ?? signedAs(stack, { kind: 'service', service: 'test' }, op, body)) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export interface StockRow {
  onHand: number;
  reserved: number;
}

/** A product's inventory as stored. */
export async function stockOf(stack: TestStack, productId: string): Promise<StockRow> {
  const [row] = await sql<StockRow>(stack.db.url, 'SELECT "onHand", "reserved" FROM "catalog"."Inventory" WHERE "productId" = $1', [productId]);
  if (!row) throw new Error(`no inventory row for ${productId}`);
  return row;
}

/** Sets a product's stock straight in the database (test set-up, bypassing caches on purpose). */
export async function setStockInDb(stack: TestStack, productId: string, onHand: number, reserved = 0): Promise<void> {
  await sql(stack.db.url, 'UPDATE "catalog"."Inventory" SET "onHand" = $2, "reserved" = $3 WHERE "productId" = $1', [productId, onHand, reserved]);
}

/** Ids of `count` seeded products with stock, skipping the first `offset` (so tests in one file use distinct products). */
export async function productIds(stack: TestStack, count: number, offset = 0): Promise<string[]> {
  const rows = await sql<{ id: string }>(
    stack.db.url,
    'SELECT p."id" FROM "catalog"."Product" p JOIN "catalog"."Inventory" i ON i."productId" = p."id" WHERE i."onHand" > 0 ORDER BY p."sku" OFFSET $1 LIMIT $2',
    [offset, count],
  );
  return rows.map((r) => r.id);
}

export const codes = (errors: { extensions?: Record<string, unknown> }[] | undefined) => errors?.map((e) => e.extensions?.code);

/** The single integer a `SELECT count(*)::int AS count ...` returns. */
export async function countOf(stack: TestStack, text: string, params: unknown[] = []): Promise<number> {
  const [row] = await sql<{ count: number }>(stack.db.url, text, params);
  return row?.count ?? 0;
}
