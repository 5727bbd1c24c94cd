/** Prices in Postgres: the current price per product and its history. */
import { currentTraceparent } from '@platform/telemetry';
import { isUuid } from '@platform/errors';
import type { PrismaClient } from '../generated/prisma/client.ts';

/** A product's current price; `version` (its update instant in ms) orders writes for the cache. */
export interface PriceEntry {
  productId: string;
  amount: string;
  currencyCode: string;
  version: number;
}

/**
 * A product as pricing knows it: by id (the catalog belongs to the product subgraph), with its
 * price when it is already at hand (e.g. just set).
 */
export interface ProductRef {
  id: string;
  price?: PriceEntry;
}

/** Current prices of `productIds` in one statement; products without a price are left out. */
export async function findPrices(prisma: PrismaClient, productIds: readonly string[]): Promise<PriceEntry[]> {
  // An id that is not a UUID has no price, and must not reach a uuid column.
  const ids = productIds.filter(isUuid);
  if (ids.length === 0) return [];
  const rows = await prisma.price.findMany({ where: { productId: { in: ids } } });
  return rows.map((r) => ({ productId: r.productId, amount: r.amount.toFixed(2), currencyCode: r.currencyCode, version: r.updatedAt.getTime() }));
}

/**
 * Sets a product's price, appends it to the history and, when the price changed, records a
 * `product.price_changed` event in the stream outbox, in one statement (so one transaction).
 * The history row's `effectiveFrom` is the price's `updatedAt`, taken from the database clock
 * and strictly increasing per product even for concurrent writers (the row is locked first,
 * which also makes the event's previous price the one this write replaced), which makes it a
 * safe version for the cache.
 */
export async function writePrice(prisma: PrismaClient, productId: string, amount: string, currencyCode: string, occurredAt: Date): Promise<PriceEntry> {
  const rows = await prisma.$queryRaw<{ productId: string; amount: string; currencyCode: string; effectiveFrom: Date }[]>`
    WITH prev AS (
      SELECT "amount", "currencyCode" FROM "pricing"."Price" WHERE "productId" = ${productId}::uuid FOR UPDATE
    ),
    price AS (
      -- Reads prev first, so the row lock is taken before the upsert.
      INSERT INTO "pricing"."Price" ("productId", "amount", "currencyCode", "updatedAt")
      SELECT ${productId}::uuid, ${amount}::numeric(14, 2), ${currencyCode}, clock_timestamp() FROM (SELECT 1) AS one LEFT JOIN prev ON true
      ON CONFLICT ("productId") DO UPDATE
        SET "amount" = EXCLUDED."amount",
            "currencyCode" = EXCLUDED."currencyCode",
            "updatedAt" = GREATEST(clock_timestamp(), "Price"."updatedAt" + interval '1 millisecond')
      RETURNING "productId", "amount", "currencyCode", "updatedAt"
    ),
    event AS (
      INSERT INTO "pricing"."OutboxEvent" ("type", "key", "data", "occurredAt", "traceparent")
      SELECT 'product.price_changed', price."productId"::text,
             jsonb_build_object(
               'productId', price."productId",
               'price', jsonb_build_object('amount', price."amount"::text, 'currencyCode', trim(price."currencyCode")),
               'previousPrice', CASE WHEN prev."amount" IS NULL THEN NULL ELSE jsonb_build_object('amount', prev."amount"::text, 'currencyCode', trim(prev."currencyCode")) END),
             ${occurredAt}, ${currentTraceparent()}::text
      FROM price LEFT JOIN prev ON true
      WHERE prev."amount" IS NULL OR prev."amount" <> price."amount" OR prev."currencyCode" <> price."currencyCode"
    )
    INSERT INTO "pricing"."PriceHistory" ("productId", "amount", "currencyCode", "effectiveFrom")
    SELECT "productId", "amount", "currencyCode", "updatedAt" FROM price
    RETURNING "productId"::text, "amount"::text, "currencyCode"::text, "effectiveFrom"`;
  const row = rows[0];
  if (!row) throw new Error(`setting the price of ${productId} returned no row`);
  return { productId: row.productId, amount: row.amount, currencyCode: row.currencyCode.trim(), version: row.effectiveFrom.getTime() };
}
