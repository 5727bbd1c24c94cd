/** Tax and shipping tables in Postgres. */
import type { PrismaClient } from '../generated/prisma/client.ts';

/** Shipping and tax of one country; JSON-safe. */
export interface CountryRates {
  country: string;
  /** Fraction, e.g. "0.09". */
  taxRate: string;
  shipping: string;
  /** Shipping is free once the discounted subtotal reaches this; null: never free. */
  freeOver: string | null;
}

/** Sets a country's tax and shipping rates (both rows, in one transaction); the store ships there from then on. */
export async function upsertCountryRates(prisma: PrismaClient, rates: CountryRates): Promise<void> {
  await prisma.$transaction([
    prisma.taxRate.upsert({ where: { country: rates.country }, create: { country: rates.country, rate: rates.taxRate }, update: { rate: rates.taxRate } }),
    prisma.shippingRate.upsert({
      where: { country: rates.country },
      create: { country: rates.country, amount: rates.shipping, freeOver: rates.freeOver },
      update: { amount: rates.shipping, freeOver: rates.freeOver },
    }),
  ]);
}

/** Countries the store ships to (a tax row and a shipping row), by code, in one statement. */
export async function findCountryRates(prisma: PrismaClient): Promise<CountryRates[]> {
  const rows = await prisma.$queryRaw<{ country: string; taxRate: string; shipping: string; freeOver: string | null }[]>`
    SELECT t."country"::text AS "country", t."rate"::text AS "taxRate", s."amount"::text AS "shipping", s."freeOver"::text AS "freeOver"
    FROM "pricing"."TaxRate" t JOIN "pricing"."ShippingRate" s ON s."country" = t."country"
    ORDER BY t."country"`;
  return rows;
}
