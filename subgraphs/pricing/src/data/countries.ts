/** Tax and shipping tables in Postgres. */
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { CountryRates } from '../services/cost.ts';

/** Countries the store ships to (a tax row and a shipping row), by code, in one statement. */
export async function findCountryRates(prisma: PrismaClient): Promise<CountryRates[]> {
  const rows = await prisma.$queryRaw<{ country: string; taxRate: string; shipping: string; freeOver: string | null }[]>`
    SELECT t."country"::text AS "country", t."rate"::text AS "taxRate", s."amount"::text AS "shipping", s."freeOver"::text AS "freeOver"
    FROM "pricing"."TaxRate" t JOIN "pricing"."ShippingRate" s ON s."country" = t."country"
    ORDER BY t."country"`;
  return rows;
}
