/** Prices in Postgres: the current price per product and its history. */
import { isUuid } from '@platform/errors';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

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
 * Sets a product's price and appends it to the history, in one statement (so one transaction).
 * The history row's `effectiveFrom` is the price's `updatedAt`, taken from the database clock
 * and strictly increasing per product even for concurrent writers (the upsert holds the row
 * lock), which makes it a safe version for the cache.
 */
export async function writePrice(prisma: PrismaClient | Prisma.TransactionClient, productId: string, amount: string, currencyCode: string): Promise<PriceEntry> {
  const rows = await prisma.$queryRaw<{ productId: string; amount: string; currencyCode: string; effectiveFrom: Date }[]>`
    WITH price AS (
      INSERT INTO "pricing"."Price" ("productId", "amount", "currencyCode", "updatedAt")
      VALUES (${productId}::uuid, ${amount}::numeric(14, 2), ${currencyCode}, clock_timestamp())
      ON CONFLICT ("productId") DO UPDATE
        SET "amount" = EXCLUDED."amount",
            "currencyCode" = EXCLUDED."currencyCode",
            "updatedAt" = GREATEST(clock_timestamp(), "Price"."updatedAt" + interval '1 millisecond')
      RETURNING "productId", "amount", "currencyCode", "updatedAt"
    )
    INSERT INTO "pricing"."PriceHistory" ("productId", "amount", "currencyCode", "effectiveFrom")
    SELECT "productId", "amount", "currencyCode", "updatedAt" FROM price
    RETURNING "productId"::text, "amount"::text, "currencyCode"::text, "effectiveFrom"`;
  const row = rows[0];
  if (!row) throw new Error(`setting the price of ${productId} returned no row`);
  return { productId: row.productId, amount: row.amount, currencyCode: row.currencyCode.trim(), version: row.effectiveFrom.getTime() };
}

/** Locks a product's price row (if it has one) and returns it: the price before a change, for its event. */
export async function lockPrice(tx: Prisma.TransactionClient, productId: string): Promise<{ amount: string; currencyCode: string } | null> {
  const rows = await tx.$queryRaw<{ amount: string; currencyCode: string }[]>`
    SELECT "amount"::text AS "amount", trim("currencyCode") AS "currencyCode" FROM "pricing"."Price" WHERE "productId" = ${productId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}
