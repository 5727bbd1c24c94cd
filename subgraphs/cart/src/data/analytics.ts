/**
 * Cart analytics in SQL: the consumer's writes (its per-cart state, hourly rollups and its
 * processed-event record, one transaction per event) and the reads of `cartAnalytics`, which
 * touch rollups only. Every rollup row is keyed by its UTC hour and the cart's country, so a
 * window of hours (optionally one country) is one index range scan.
 */
import type { SqlExecutor } from '@platform/server';

/** A window of hour buckets: those starting at or after `from` (rounded down to its hour) and before `to`. */
export interface Window {
  from: Date;
  to: Date;
  country: string | null;
}

/** Records `eventId` as applied; false when it already was (then the event changes nothing). */
export async function markProcessed(tx: SqlExecutor, eventId: string, at: Date): Promise<boolean> {
  const rows = await tx.query(`INSERT INTO "cart"."AnalyticsProcessedEvent" ("eventId", "processedAt") VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS ok`, [eventId, at]);
  return rows.length === 1;
}

export interface CartState {
  country: string | null;
  firstAddAt: Date | null;
}

/** The consumer's state of one cart (created empty on first sight), locked for this transaction. */
export async function lockCart(tx: SqlExecutor, cartId: string): Promise<CartState> {
  await tx.query(`INSERT INTO "cart"."AnalyticsCart" ("cartId") VALUES ($1) ON CONFLICT DO NOTHING`, [cartId]);
  const [row] = await tx.query<CartState>(`SELECT "country", "firstAddAt" FROM "cart"."AnalyticsCart" WHERE "cartId" = $1 FOR UPDATE`, [cartId]);
  return row ?? { country: null, firstAddAt: null };
}

/** Changes the consumer's state of one cart. */
export async function updateCart(tx: SqlExecutor, cartId: string, change: Partial<CartState>): Promise<void> {
  await tx.query(
    `UPDATE "cart"."AnalyticsCart" SET "country" = CASE WHEN $2 THEN $3 ELSE "country" END, "firstAddAt" = CASE WHEN $4 THEN $5::timestamptz ELSE "firstAddAt" END WHERE "cartId" = $1`,
    [cartId, 'country' in change, change.country ?? null, 'firstAddAt' in change, change.firstAddAt ?? null],
  );
}

type ProductCounter = 'added' | 'purchased' | 'removed';

/** Adds 1 to `counter` of each product in the hour and country. */
export async function countProducts(tx: SqlExecutor, hour: Date, country: string, productIds: readonly string[], counter: ProductCounter): Promise<void> {
  if (productIds.length === 0) return;
  await tx.query(
    `INSERT INTO "cart"."AnalyticsProductHour" ("hour", "country", "productId", "${counter}") SELECT $1, $2, id, 1 FROM unnest($3::uuid[]) AS x(id)
     ON CONFLICT ("hour", "country", "productId") DO UPDATE SET "${counter}" = "AnalyticsProductHour"."${counter}" + 1`,
    [hour, country, [...new Set(productIds)]],
  );
}

/** Adds 1 to carts created or checked out in the hour and country. */
export async function countCart(tx: SqlExecutor, hour: Date, country: string, counter: 'cartsCreated' | 'cartsCheckedOut'): Promise<void> {
  await tx.query(
    `INSERT INTO "cart"."AnalyticsCartHour" ("hour", "country", "${counter}") VALUES ($1, $2, 1)
     ON CONFLICT ("hour", "country") DO UPDATE SET "${counter}" = "AnalyticsCartHour"."${counter}" + 1`,
    [hour, country],
  );
}

/** Adds 1 to the line adds of the hour, country and local hour of day. */
export async function countAdd(tx: SqlExecutor, hour: Date, country: string, localHour: number): Promise<void> {
  await tx.query(
    `INSERT INTO "cart"."AnalyticsAddsHour" ("hour", "country", "localHour", "adds") VALUES ($1, $2, $3, 1)
     ON CONFLICT ("hour", "country", "localHour") DO UPDATE SET "adds" = "AnalyticsAddsHour"."adds" + 1`,
    [hour, country, localHour],
  );
}

/** Records one first-add-to-checkout duration (whole seconds) in the hour of the checkout. */
export async function countDuration(tx: SqlExecutor, hour: Date, country: string, seconds: number): Promise<void> {
  await tx.query(
    `INSERT INTO "cart"."AnalyticsCheckoutDuration" ("hour", "country", "seconds", "carts") VALUES ($1, $2, $3, 1)
     ON CONFLICT ("hour", "country", "seconds") DO UPDATE SET "carts" = "AnalyticsCheckoutDuration"."carts" + 1`,
    [hour, country, seconds],
  );
}

const WHERE = `"hour" >= date_trunc('hour', $1::timestamptz) AND "hour" < $2::timestamptz AND ($3::text IS NULL OR "country" = $3)`;
const params = (w: Window) => [w.from, w.to, w.country];

/** Carts created and checked out in the window. */
export async function cartTotals(db: SqlExecutor, w: Window): Promise<{ created: number; checkedOut: number }> {
  const [row] = await db.query<{ created: number; checkedOut: number }>(
    `SELECT COALESCE(sum("cartsCreated"), 0)::int AS created, COALESCE(sum("cartsCheckedOut"), 0)::int AS "checkedOut" FROM "cart"."AnalyticsCartHour" WHERE ${WHERE}`,
    params(w),
  );
  return row ?? { created: 0, checkedOut: 0 };
}

/** Checkout durations in the window: each distinct number of seconds and how many carts took it, shortest first. */
export async function durations(db: SqlExecutor, w: Window): Promise<{ seconds: number; carts: number }[]> {
  return db.query(`SELECT "seconds", sum("carts")::int AS carts FROM "cart"."AnalyticsCheckoutDuration" WHERE ${WHERE} GROUP BY "seconds" ORDER BY "seconds"`, params(w));
}

/** Products by adds not converted (added - purchased), then lowest conversion; only products added in the window. */
export async function addedNotPurchased(db: SqlExecutor, w: Window, first: number): Promise<{ productId: string; added: number; purchased: number }[]> {
  return db.query(
    `SELECT "productId"::text AS "productId", sum("added")::int AS added, sum("purchased")::int AS purchased FROM "cart"."AnalyticsProductHour" WHERE ${WHERE}
     GROUP BY "productId" HAVING sum("added") > 0
     ORDER BY sum("added") - LEAST(sum("purchased"), sum("added")) DESC, sum("purchased")::float8 / sum("added") ASC, "productId" LIMIT $4`,
    [...params(w), first],
  );
}

/** Products by removals in the window, most first. */
export async function mostRemoved(db: SqlExecutor, w: Window, first: number): Promise<{ productId: string; count: number }[]> {
  return db.query(
    `SELECT "productId"::text AS "productId", sum("removed")::int AS count FROM "cart"."AnalyticsProductHour" WHERE ${WHERE}
     GROUP BY "productId" HAVING sum("removed") > 0 ORDER BY sum("removed") DESC, "productId" LIMIT $4`,
    [...params(w), first],
  );
}

/** Line adds in the window by country and local hour of day. */
export async function addsByHour(db: SqlExecutor, w: Window): Promise<{ country: string; hour: number; adds: number }[]> {
  return db.query(
    `SELECT "country", "localHour" AS hour, sum("adds")::int AS adds FROM "cart"."AnalyticsAddsHour" WHERE ${WHERE} GROUP BY "country", "localHour" HAVING sum("adds") > 0 ORDER BY "country", "localHour"`,
    params(w),
  );
}
