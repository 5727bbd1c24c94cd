/**
 * Writes the demo order history's affinity and best-seller scores (`order-history.ts`) into the
 * product schema, inserting only missing rows (ON CONFLICT DO NOTHING), like the rest of the seed.
 */
import type { PrismaClient } from '../../subgraphs/product/src/generated/prisma/client.ts';
import type { OrderHistory } from './order-history.ts';

export async function writeOrderHistory(db: PrismaClient, history: OrderHistory): Promise<{ pairs: number; sales: number }> {
  const pairs = JSON.stringify([...history.pairs].map(([key, v]) => ({ productId: key.slice(0, 36), partnerId: key.slice(37), score: v.score, pairs: v.pairs, at: new Date(v.at).toISOString() })));
  const sales = JSON.stringify([...history.sales].map(([productId, v]) => ({ productId, score: v.score, units: v.units, at: new Date(v.at).toISOString() })));
  // Only for products that exist under the seeded ids (an admin may have re-keyed a SKU).
  const newPairs = await db.$executeRaw`
    INSERT INTO "catalog"."ProductAffinity" ("productId", "partnerId", "score", "pairs", "updatedAt")
    SELECT r."productId", r."partnerId", r."score", r."pairs", r."at"
    FROM jsonb_to_recordset(${pairs}::jsonb) AS r("productId" uuid, "partnerId" uuid, "score" float8, "pairs" int, "at" timestamptz)
    WHERE EXISTS (SELECT 1 FROM "catalog"."Product" p WHERE p."id" = r."productId") AND EXISTS (SELECT 1 FROM "catalog"."Product" p WHERE p."id" = r."partnerId")
    ON CONFLICT DO NOTHING`;
  const newSales = await db.$executeRaw`
    INSERT INTO "catalog"."ProductSales" ("productId", "score", "units", "updatedAt")
    SELECT r."productId", r."score", r."units", r."at"
    FROM jsonb_to_recordset(${sales}::jsonb) AS r("productId" uuid, "score" float8, "units" int, "at" timestamptz)
    WHERE EXISTS (SELECT 1 FROM "catalog"."Product" p WHERE p."id" = r."productId")
    ON CONFLICT DO NOTHING`;
  return { pairs: newPairs, sales: newSales };
}
