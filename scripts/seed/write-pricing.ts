/**
 * Inserts demo prices, coupons, tax and shipping rates into the `pricing` schema, only where
 * missing (ON CONFLICT DO NOTHING), so prices and rates an admin has changed stay as they are.
 */
import type { PrismaClient } from '../../subgraphs/pricing/src/generated/prisma/client.ts';
import { COUPONS, SHIPPING_RATES, TAX_RATES } from './catalog-data.ts';

/**
 * Inserts a price, and its first PriceHistory row, for every product id without a price.
 * One set-based statement (see write-catalog.ts for why not createMany); amounts travel as
 * decimal strings and are parsed by Postgres, never through a float. Returns how many it added.
 */
export async function writePrices(db: PrismaClient, prices: Map<string, string>, currencyCode: string): Promise<number> {
  const rows = JSON.stringify([...prices].map(([productId, amount]) => ({ productId, amount })));
  return db.$executeRaw`
    WITH created AS (
      INSERT INTO "pricing"."Price" ("productId", "amount", "currencyCode", "updatedAt")
      SELECT r."productId", r."amount", ${currencyCode}, now()
      FROM jsonb_to_recordset(${rows}::jsonb) AS r("productId" uuid, "amount" numeric(14, 2))
      ON CONFLICT DO NOTHING
      RETURNING "productId", "amount", "currencyCode"
    )
    INSERT INTO "pricing"."PriceHistory" ("productId", "amount", "currencyCode")
    SELECT "productId", "amount", "currencyCode" FROM created`;
}

/** Inserts the demo coupons and the tax and shipping tables where a code or country is missing. */
export async function writePricingTables(db: PrismaClient): Promise<{ coupons: number; taxRates: number; shippingRates: number }> {
  const date = (iso: string | null) => (iso ? new Date(iso) : null);
  const [coupons, taxRates, shippingRates] = await Promise.all([
    db.coupon.createMany({ data: COUPONS.map((c) => ({ ...c, startsAt: date(c.startsAt), endsAt: date(c.endsAt) })), skipDuplicates: true }),
    db.taxRate.createMany({ data: TAX_RATES, skipDuplicates: true }),
    db.shippingRate.createMany({ data: SHIPPING_RATES, skipDuplicates: true }),
  ]);
  return { coupons: coupons.count, taxRates: taxRates.count, shippingRates: shippingRates.count };
}
