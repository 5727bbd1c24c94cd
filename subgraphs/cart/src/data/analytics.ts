/**
 * Cart analytics in SQL: the consumer's writes (its per-cart state, hourly rollups and its
 * processed-event record, one transaction per batch of events) and the reads of `cartAnalytics`, which
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

/** Records the events as applied; returns the ids that were not already (only those change anything). */
export async function markProcessed(tx: SqlExecutor, eventIds: readonly string[], at: Date): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = await tx.query<{ eventId: string }>(
    `INSERT INTO "cart"."AnalyticsProcessedEvent" ("eventId", "processedAt") SELECT id, $2 FROM unnest($1::text[]) AS x(id) ORDER BY id ON CONFLICT DO NOTHING RETURNING "eventId"`,
    [eventIds, at],
  );
  return new Set(rows.map((r) => r.eventId));
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

/** The consumer's state of each cart (created empty on first sight), locked for this transaction in id order (so two consumers never deadlock). */
export async function lockCarts(tx: SqlExecutor, cartIds: readonly string[]): Promise<Map<string, CartState>> {
  const ids = [...new Set(cartIds)].sort();
  if (ids.length === 0) return new Map();
  await tx.query(`INSERT INTO "cart"."AnalyticsCart" ("cartId") SELECT id FROM unnest($1::uuid[]) AS x(id) ORDER BY id ON CONFLICT DO NOTHING`, [ids]);
  const rows = await tx.query<CartState & { cartId: string }>(`SELECT "cartId"::text AS "cartId", "country", "firstAddAt" FROM "cart"."AnalyticsCart" WHERE "cartId" = ANY($1::uuid[]) ORDER BY "cartId" FOR UPDATE`, [ids]);
  return new Map(rows.map((r) => [r.cartId, { country: r.country, firstAddAt: r.firstAddAt }]));
}

/** Writes the carts' new states. */
export async function updateCarts(tx: SqlExecutor, carts: ReadonlyMap<string, CartState>): Promise<void> {
  if (carts.size === 0) return;
  const entries = [...carts];
  await tx.query(
    `UPDATE "cart"."AnalyticsCart" AS c SET "country" = u.country, "firstAddAt" = u.first FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS u(id, country, first) WHERE c."cartId" = u.id`,
    [entries.map(([id]) => id), entries.map(([, c]) => c.country), entries.map(([, c]) => c.firstAddAt)],
  );
}

type ProductCounter = 'added' | 'purchased' | 'removed';

/** The key of the rollup rows that hold every country together. */
export const ALL_COUNTRIES = '*';
const DAY_MS = 86_400_000;
const dayOf = (hour: Date) => new Date(Math.floor(hour.getTime() / DAY_MS) * DAY_MS);

/**
 * What a batch of events adds to the rollups, summed per row in memory so that the batch costs one
 * upsert per rollup table however many events it holds. Per-product counters and durations count
 * for the country and for all countries, in the hour and in the day.
 */
export class RollupDelta {
  private readonly products = new Map<string, { grain: 'hour' | 'day'; bucket: Date; country: string; productId: string; added: number; purchased: number; removed: number }>();
  private readonly carts = new Map<string, { hour: Date; country: string; cartsCreated: number; cartsCheckedOut: number }>();
  private readonly adds = new Map<string, { hour: Date; country: string; localHour: number; adds: number }>();
  private readonly durations = new Map<string, { grain: 'hour' | 'day'; bucket: Date; country: string; seconds: number; carts: number }>();

  /** Adds 1 to `counter` of each product (each once) in the hour and day, for the country and for all countries. */
  countProducts(hour: Date, country: string, productIds: readonly string[], counter: ProductCounter): void {
    for (const productId of new Set(productIds))
      for (const [grain, bucket] of [['hour', hour], ['day', dayOf(hour)]] as const)
        for (const c of [country, ALL_COUNTRIES]) {
          const key = `${grain}|${bucket.getTime()}|${c}|${productId}`;
          const row = this.products.get(key) ?? { grain, bucket, country: c, productId, added: 0, purchased: 0, removed: 0 };
          row[counter] += 1;
          this.products.set(key, row);
        }
  }

  /** Adds 1 to carts created or checked out in the hour and country. */
  countCart(hour: Date, country: string, counter: 'cartsCreated' | 'cartsCheckedOut'): void {
    const key = `${hour.getTime()}|${country}`;
    const row = this.carts.get(key) ?? { hour, country, cartsCreated: 0, cartsCheckedOut: 0 };
    row[counter] += 1;
    this.carts.set(key, row);
  }

  /** Adds 1 to the line adds of the hour, country and local hour of day. */
  countAdd(hour: Date, country: string, localHour: number): void {
    const key = `${hour.getTime()}|${country}|${localHour}`;
    const row = this.adds.get(key) ?? { hour, country, localHour, adds: 0 };
    row.adds += 1;
    this.adds.set(key, row);
  }

  /** Records one first-add-to-checkout duration (whole seconds) in the hour and day of the checkout, for the country and for all countries. */
  countDuration(hour: Date, country: string, seconds: number): void {
    for (const [grain, bucket] of [['hour', hour], ['day', dayOf(hour)]] as const)
      for (const c of [country, ALL_COUNTRIES]) {
        const key = `${grain}|${bucket.getTime()}|${c}|${seconds}`;
        const row = this.durations.get(key) ?? { grain, bucket, country: c, seconds, carts: 0 };
        row.carts += 1;
        this.durations.set(key, row);
      }
  }

  /** Adds everything to the rollup tables: one upsert per table, rows in key order (two consumers lock them in the same order). */
  async write(tx: SqlExecutor): Promise<void> {
    for (const [grain, table, column] of [['hour', 'AnalyticsProductHour', 'hour'], ['day', 'AnalyticsProductDay', 'day']] as const) {
      const rows = [...this.products.values()].filter((r) => r.grain === grain);
      if (rows.length === 0) continue;
      await tx.query(
        `INSERT INTO "cart"."${table}" ("${column}", "country", "productId", "added", "purchased", "removed")
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::uuid[], $4::int[], $5::int[], $6::int[]) ORDER BY 2, 1, 3
         ON CONFLICT ("country", "${column}", "productId") DO UPDATE SET "added" = "${table}"."added" + EXCLUDED."added", "purchased" = "${table}"."purchased" + EXCLUDED."purchased", "removed" = "${table}"."removed" + EXCLUDED."removed"`,
        [rows.map((r) => r.bucket), rows.map((r) => r.country), rows.map((r) => r.productId), rows.map((r) => r.added), rows.map((r) => r.purchased), rows.map((r) => r.removed)],
      );
    }
    const carts = [...this.carts.values()];
    if (carts.length > 0)
      await tx.query(
        `INSERT INTO "cart"."AnalyticsCartHour" ("hour", "country", "cartsCreated", "cartsCheckedOut")
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::int[], $4::int[]) ORDER BY 1, 2
         ON CONFLICT ("hour", "country") DO UPDATE SET "cartsCreated" = "AnalyticsCartHour"."cartsCreated" + EXCLUDED."cartsCreated", "cartsCheckedOut" = "AnalyticsCartHour"."cartsCheckedOut" + EXCLUDED."cartsCheckedOut"`,
        [carts.map((r) => r.hour), carts.map((r) => r.country), carts.map((r) => r.cartsCreated), carts.map((r) => r.cartsCheckedOut)],
      );
    const adds = [...this.adds.values()];
    if (adds.length > 0)
      await tx.query(
        `INSERT INTO "cart"."AnalyticsAddsHour" ("hour", "country", "localHour", "adds")
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::int[], $4::int[]) ORDER BY 1, 2, 3
         ON CONFLICT ("hour", "country", "localHour") DO UPDATE SET "adds" = "AnalyticsAddsHour"."adds" + EXCLUDED."adds"`,
        [adds.map((r) => r.hour), adds.map((r) => r.country), adds.map((r) => r.localHour), adds.map((r) => r.adds)],
      );
    for (const [grain, table, column] of [['hour', 'AnalyticsCheckoutDuration', 'hour'], ['day', 'AnalyticsCheckoutDurationDay', 'day']] as const) {
      const rows = [...this.durations.values()].filter((r) => r.grain === grain);
      if (rows.length === 0) continue;
      await tx.query(
        `INSERT INTO "cart"."${table}" ("${column}", "country", "seconds", "carts")
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::int[], $4::int[]) ORDER BY 2, 1, 3
         ON CONFLICT ("country", "${column}", "seconds") DO UPDATE SET "carts" = "${table}"."carts" + EXCLUDED."carts"`,
        [rows.map((r) => r.bucket), rows.map((r) => r.country), rows.map((r) => r.seconds), rows.map((r) => r.carts)],
      );
    }
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
