/**
 * Product affinity in SQL: what the affinity consumer writes (pair scores, best-seller scores,
 * its own cart membership view and its processed-event record, all in one transaction per
 * event) and what recommendations read (a product's strongest partners, a category's best
 * sellers). Scores are decayed weights normalised to a reference epoch (`decayFactor`).
 */
import type { SqlExecutor } from '@platform/server';

/** The reference instant of every score: a weight added at `t` counts 2^((t - epoch) / halfLife). */
export const AFFINITY_EPOCH = Date.UTC(2026, 0, 1);

/** The factor a weight added at `at` is stored with, so later additions weigh more than older ones by the half-life. */
export const decayFactor = (at: Date, halfLifeDays: number): number => 2 ** ((at.getTime() - AFFINITY_EPOCH) / (halfLifeDays * 86_400_000));

/** One partner of a product and its score. */
export interface AffinityCandidate {
  productId: string;
  score: number;
}

/** How many partners (and best sellers) are kept per list: more than `first` allows, so out-of-stock ones can be skipped. */
export const CANDIDATES = 50;

/** Records `eventId` as applied; false when it already was (then the event changes nothing). */
export async function markProcessed(tx: SqlExecutor, eventId: string, at: Date): Promise<boolean> {
  const rows = await tx.query(`INSERT INTO "catalog"."AffinityProcessedEvent" ("eventId", "processedAt") VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS ok`, [eventId, at]);
  return rows.length === 1;
}

/** Adds `score` to every pair in both directions (pairs must not repeat). */
export async function addPairs(tx: SqlExecutor, pairs: readonly [string, string][], score: number, at: Date): Promise<void> {
  if (pairs.length === 0) return;
  const from = pairs.flatMap(([a, b]) => [a, b]);
  const to = pairs.flatMap(([a, b]) => [b, a]);
  await tx.query(
    `INSERT INTO "catalog"."ProductAffinity" ("productId", "partnerId", "score", "pairs", "updatedAt")
     SELECT a, b, $3, 1, $4 FROM unnest($1::uuid[], $2::uuid[]) AS x(a, b)
     ON CONFLICT ("productId", "partnerId") DO UPDATE SET "score" = "ProductAffinity"."score" + EXCLUDED."score", "pairs" = "ProductAffinity"."pairs" + 1, "updatedAt" = GREATEST("ProductAffinity"."updatedAt", EXCLUDED."updatedAt")`,
    [from, to, score, at],
  );
}

/** Adds units sold (decayed by `factor`) to each product's best-seller score. */
export async function addSales(tx: SqlExecutor, sales: readonly { productId: string; units: number }[], factor: number, at: Date): Promise<void> {
  if (sales.length === 0) return;
  await tx.query(
    `INSERT INTO "catalog"."ProductSales" ("productId", "score", "units", "updatedAt")
     SELECT id, u * $3::float8, u, $4 FROM unnest($1::uuid[], $2::int[]) AS x(id, u)
     ON CONFLICT ("productId") DO UPDATE SET "score" = "ProductSales"."score" + EXCLUDED."score", "units" = "ProductSales"."units" + EXCLUDED."units", "updatedAt" = GREATEST("ProductSales"."updatedAt", EXCLUDED."updatedAt")`,
    [sales.map((s) => s.productId), sales.map((s) => s.units), factor, at],
  );
}

/** The products of the consumer's view of a cart added at or after `since`, other than `productId`. */
export async function cartPartners(tx: SqlExecutor, cartId: string, productId: string, since: Date): Promise<string[]> {
  const rows = await tx.query<{ productId: string }>(
    `SELECT "productId" FROM "catalog"."AffinityCartLine" WHERE "cartId" = $1 AND "productId" <> $2 AND "addedAt" >= $3 ORDER BY "productId"`,
    [cartId, productId, since],
  );
  return rows.map((r) => r.productId);
}

/** Puts products in the consumer's view of a cart (a re-add refreshes the time). */
export async function addToCart(tx: SqlExecutor, cartId: string, productIds: readonly string[], at: Date): Promise<void> {
  if (productIds.length === 0) return;
  await tx.query(
    `INSERT INTO "catalog"."AffinityCartLine" ("cartId", "productId", "addedAt") SELECT $1, id, $3 FROM unnest($2::uuid[]) AS x(id)
     ON CONFLICT ("cartId", "productId") DO UPDATE SET "addedAt" = GREATEST("AffinityCartLine"."addedAt", EXCLUDED."addedAt")`,
    [cartId, [...new Set(productIds)], at],
  );
}

/** Takes one product (or, without one, every product) out of the consumer's view of a cart. */
export async function removeFromCart(tx: SqlExecutor, cartId: string, productId?: string): Promise<void> {
  if (productId) await tx.query(`DELETE FROM "catalog"."AffinityCartLine" WHERE "cartId" = $1 AND "productId" = $2`, [cartId, productId]);
  else await tx.query(`DELETE FROM "catalog"."AffinityCartLine" WHERE "cartId" = $1`, [cartId]);
}

/**
 * Drops what the consumer no longer needs: processed-event records older than `processedBefore`
 * (the stream no longer holds those events, so they cannot come back) and cart membership older
 * than `addedBefore` (too old to pair). Returns the rows removed.
 */
export async function pruneAffinity(db: SqlExecutor, processedBefore: Date, addedBefore: Date): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `WITH p AS (DELETE FROM "catalog"."AffinityProcessedEvent" WHERE "processedAt" < $1 RETURNING 1),
          c AS (DELETE FROM "catalog"."AffinityCartLine" WHERE "addedAt" < $2 RETURNING 1)
     SELECT ((SELECT count(*) FROM p) + (SELECT count(*) FROM c))::int AS n`,
    [processedBefore, addedBefore],
  );
  return row?.n ?? 0;
}

/** The strongest partners of each product (strongest first), aligned to `ids`. */
export async function findPartners(db: SqlExecutor, ids: readonly string[]): Promise<AffinityCandidate[][]> {
  const rows = await db.query<{ id: string; partnerId: string; score: number }>(
    `SELECT x.id::text AS id, a."partnerId", a."score" FROM unnest($1::uuid[]) AS x(id)
     CROSS JOIN LATERAL (SELECT "partnerId", "score" FROM "catalog"."ProductAffinity" WHERE "productId" = x.id ORDER BY "score" DESC, "partnerId" LIMIT ${CANDIDATES}) a`,
    [ids],
  );
  const byId = new Map<string, AffinityCandidate[]>(ids.map((id) => [id, []]));
  for (const r of rows) byId.get(r.id)?.push({ productId: r.partnerId, score: r.score });
  return ids.map((id) => byId.get(id) ?? []);
}

/**
 * Best sellers of each category (`null`: the whole catalog), best first, aligned to `categoryIds`:
 * products with sales by their score, then the rest of the category in catalog order, so a
 * category with products never has an empty list.
 */
export async function findBestSellers(db: SqlExecutor, categoryIds: readonly (string | null)[]): Promise<string[][]> {
  const keys = categoryIds.map((c) => c ?? '');
  const rows = await db.query<{ key: string; productId: string }>(
    `SELECT x.key, b.id AS "productId" FROM unnest($1::text[]) AS x(key)
     CROSS JOIN LATERAL (
       SELECT p."id"::text AS id FROM "catalog"."Product" p LEFT JOIN "catalog"."ProductSales" s ON s."productId" = p."id"
       WHERE x.key = '' OR p."categoryId" = NULLIF(x.key, '')::uuid
       ORDER BY s."score" DESC NULLS LAST, p."id" LIMIT ${CANDIDATES}) b`,
    [keys],
  );
  const byKey = new Map<string, string[]>(keys.map((k) => [k, []]));
  for (const r of rows) byKey.get(r.key)?.push(r.productId);
  return keys.map((k) => byKey.get(k) ?? []);
}
