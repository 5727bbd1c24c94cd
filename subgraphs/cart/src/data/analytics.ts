/**
 * Cart analytics in SQL: the consumer's writes (its per-cart state, hourly rollups and its
 * processed-event record, one transaction per event) and the reads of `cartAnalytics`, which
 * touch rollups only. Every rollup row is keyed by its UTC hour (or day) and the cart's country,
 * so a window (optionally one country) is a few index range scans; per-product counters and
 * durations also keep all-country rows and daily rows, so 30 days read about 30 rows per key.
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

/** Drops processed-event records older than `before` (the stream no longer holds those events). */
export async function pruneProcessed(db: SqlExecutor, before: Date): Promise<number> {
  const rows = await db.query(`DELETE FROM "cart"."AnalyticsProcessedEvent" WHERE "processedAt" < $1 RETURNING 1 AS ok`, [before]);
  return rows.length;
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

/** The key of the rollup rows that hold every country together. */
export const ALL_COUNTRIES = '*';
const DAY_MS = 86_400_000;
const dayOf = (hour: Date) => new Date(Math.floor(hour.getTime() / DAY_MS) * DAY_MS);

/** Adds 1 to `counter` of each product in the hour and day, for the country and for all countries. */
export async function countProducts(tx: SqlExecutor, hour: Date, country: string, productIds: readonly string[], counter: ProductCounter): Promise<void> {
  if (productIds.length === 0) return;
  const ids = [...new Set(productIds)];
  for (const [table, column, bucket] of [
    ['AnalyticsProductHour', 'hour', hour],
    ['AnalyticsProductDay', 'day', dayOf(hour)],
  ] as const) {
    await tx.query(
      `INSERT INTO "cart"."${table}" ("${column}", "country", "productId", "${counter}") SELECT $1, c, id, 1 FROM unnest($3::uuid[]) AS x(id) CROSS JOIN unnest($2::text[]) AS k(c)
       ON CONFLICT ("country", "${column}", "productId") DO UPDATE SET "${counter}" = "${table}"."${counter}" + 1`,
      [bucket, [country, ALL_COUNTRIES], ids],
    );
  }
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

/** Records one first-add-to-checkout duration (whole seconds) in the hour and day of the checkout, for the country and for all countries. */
export async function countDuration(tx: SqlExecutor, hour: Date, country: string, seconds: number): Promise<void> {
  for (const [table, column, bucket] of [
    ['AnalyticsCheckoutDuration', 'hour', hour],
    ['AnalyticsCheckoutDurationDay', 'day', dayOf(hour)],
  ] as const) {
    await tx.query(
      `INSERT INTO "cart"."${table}" ("${column}", "country", "seconds", "carts") SELECT $1, c, $3, 1 FROM unnest($2::text[]) AS k(c)
       ON CONFLICT ("country", "${column}", "seconds") DO UPDATE SET "carts" = "${table}"."carts" + 1`,
      [bucket, [country, ALL_COUNTRIES], seconds],
    );
  }
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

/**
 * A window split for the two-grain rollups: whole UTC days [dayFrom, dayTo) come from the daily
 * table, the hours before and after them from the hourly one. Without a whole day inside, the
 * day range is empty and the hours cover the window.
 */
function split(w: Window) {
  const fromHour = new Date(Math.floor(w.from.getTime() / 3_600_000) * 3_600_000);
  let dayFrom = new Date(Math.ceil(fromHour.getTime() / DAY_MS) * DAY_MS);
  let dayTo = new Date(Math.floor(w.to.getTime() / DAY_MS) * DAY_MS);
  if (dayFrom >= dayTo) dayFrom = dayTo = w.to;
  return [fromHour, w.to, dayFrom, dayTo, w.country ?? ALL_COUNTRIES];
}

/** The rows of a two-grain rollup in the window: `$1` hour from, `$2` to, `$3`/`$4` whole days, `$5` country key. */
const twoGrain = (hourly: string, daily: string, columns: string) =>
  `SELECT ${columns} FROM "cart"."${daily}" WHERE "country" = $5 AND "day" >= $3 AND "day" < $4
   UNION ALL
   SELECT ${columns} FROM "cart"."${hourly}" WHERE "country" = $5 AND (("hour" >= $1 AND "hour" < LEAST($3::timestamptz, $2::timestamptz)) OR ("hour" >= GREATEST($4::timestamptz, $1::timestamptz) AND "hour" < $2))`;

/** Checkout durations in the window: each distinct number of seconds and how many carts took it, shortest first. */
export async function durations(db: SqlExecutor, w: Window): Promise<{ seconds: number; carts: number }[]> {
  return db.query(`SELECT "seconds", sum("carts")::int AS carts FROM (${twoGrain('AnalyticsCheckoutDuration', 'AnalyticsCheckoutDurationDay', '"seconds", "carts"')}) r GROUP BY "seconds" ORDER BY "seconds"`, split(w));
}

export interface ProductRanks {
  /** By adds not converted (added - purchased), then lowest conversion; only products added in the window. */
  addedNotPurchased: { productId: string; added: number; purchased: number }[];
  /** By removals, most first; only products removed in the window. */
  mostRemoved: { productId: string; count: number }[];
}

/** Both product rankings of the window, up to `limit` each, from one scan of the rollups. */
export async function productRanks(db: SqlExecutor, w: Window, limit: number): Promise<ProductRanks> {
  const rows = await db.query<{ list: 'conversion' | 'removed'; productId: string; added: number; purchased: number; removed: number }>(
    `WITH agg AS (
       SELECT "productId", sum("added")::int AS added, sum("purchased")::int AS purchased, sum("removed")::int AS removed
       FROM (${twoGrain('AnalyticsProductHour', 'AnalyticsProductDay', '"productId", "added", "purchased", "removed"')}) r GROUP BY "productId")
     (SELECT 'conversion' AS list, "productId"::text AS "productId", added, purchased, removed FROM agg WHERE added > 0
      ORDER BY added - LEAST(purchased, added) DESC, purchased::float8 / added ASC, "productId" LIMIT $6)
     UNION ALL
     (SELECT 'removed', "productId"::text, added, purchased, removed FROM agg WHERE removed > 0 ORDER BY removed DESC, "productId" LIMIT $6)`,
    [...split(w), limit],
  );
  return {
    addedNotPurchased: rows.filter((r) => r.list === 'conversion').map(({ productId, added, purchased }) => ({ productId, added, purchased })),
    mostRemoved: rows.filter((r) => r.list === 'removed').map(({ productId, removed }) => ({ productId, count: removed })),
  };
}

/** Line adds in the window by country and local hour of day. */
export async function addsByHour(db: SqlExecutor, w: Window): Promise<{ country: string; hour: number; adds: number }[]> {
  return db.query(
    `SELECT "country", "localHour" AS hour, sum("adds")::int AS adds FROM "cart"."AnalyticsAddsHour" WHERE ${WHERE} GROUP BY "country", "localHour" HAVING sum("adds") > 0 ORDER BY "country", "localHour"`,
    params(w),
  );
}
