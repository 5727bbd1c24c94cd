/**
 * Inserts the demo catalog into the `catalog` schema. Each table is one set-based statement fed
 * a JSON array (jsonb_to_recordset): Prisma's createMany pushes every row through its query
 * compiler, which took seconds per 500 rows, while this takes milliseconds. Every insert is
 * ON CONFLICT DO NOTHING, so rows an admin has since changed are never touched.
 */
import type { PrismaClient } from '../../subgraphs/product/src/generated/prisma/client.ts';
import type { SeedCatalog } from './catalog-data.ts';

/** Written on every SEED stock movement so the audit log says where the stock came from. */
export const SEED_REFERENCE = 'seed:demo-catalog';

export interface CatalogWriteResult {
  newCategories: number;
  newProducts: number;
  newInventory: number;
  /** SKU -> product id as stored (differs from the generated id only if the SKU existed before). */
  productIds: Map<string, string>;
  /** Rows in the catalog after writing, seeded or not. */
  totals: { categories: number; products: number };
}

/** Inserts missing categories (parents first), products, and inventory with its SEED movement. */
export async function writeCatalog(db: PrismaClient, catalog: SeedCatalog): Promise<CatalogWriteResult> {
  let newCategories = 0;
  // Parents first; children find their parent by slug, which also copes with a parent stored under another id.
  for (const level of [catalog.categories.filter((c) => !c.parentSlug), catalog.categories.filter((c) => c.parentSlug)]) {
    const rows = JSON.stringify(level);
    newCategories += await db.$executeRaw`
      INSERT INTO "catalog"."Category" ("id", "name", "slug", "path", "parentId")
      SELECT r."id", r."name", r."slug", r."path", parent."id"
      FROM jsonb_to_recordset(${rows}::jsonb) AS r("id" uuid, "name" text, "slug" text, "path" text, "parentSlug" text)
      LEFT JOIN "catalog"."Category" AS parent ON parent."slug" = r."parentSlug"
      ON CONFLICT DO NOTHING`;
  }

  // jsonb_to_recordset reads only the keys it declares, so the seed objects go over as they are.
  const products = JSON.stringify(catalog.products);
  const newProducts = await db.$executeRaw`
    INSERT INTO "catalog"."Product" ("id", "sku", "name", "description", "brand", "categoryId", "images", "attributes", "updatedAt")
    SELECT r."id", r."sku", r."name", r."description", r."brand", c."id",
           ARRAY(SELECT jsonb_array_elements_text(r."images")), r."attributes", now()
    FROM jsonb_to_recordset(${products}::jsonb)
      AS r("id" uuid, "sku" text, "name" text, "description" text, "brand" text, "categorySlug" text, "images" jsonb, "attributes" jsonb)
    LEFT JOIN "catalog"."Category" AS c ON c."slug" = r."categorySlug"
    ON CONFLICT DO NOTHING`;

  // One statement, so inventory and its SEED movement commit together, and only rows inserted
  // now get a movement: re-runs, even concurrent ones, never duplicate the audit log.
  const newInventory = await db.$executeRaw`
    WITH created AS (
      INSERT INTO "catalog"."Inventory" ("productId", "onHand", "reserved", "updatedAt")
      SELECT p."id", r."stock", 0, now()
      FROM jsonb_to_recordset(${products}::jsonb) AS r("sku" text, "stock" int)
      JOIN "catalog"."Product" AS p ON p."sku" = r."sku"
      ON CONFLICT DO NOTHING
      RETURNING "productId", "onHand"
    )
    INSERT INTO "catalog"."StockMovement" ("productId", "reason", "onHandDelta", "reservedDelta", "onHandAfter", "reservedAfter", "reference")
    SELECT "productId", 'SEED'::"catalog"."StockMovementReason", "onHand", 0, "onHand", 0, ${SEED_REFERENCE} FROM created`;

  const skus = catalog.products.map((p) => p.sku);
  const stored = await db.$queryRaw<{ id: string; sku: string }[]>`
    SELECT "id"::text AS "id", "sku" FROM "catalog"."Product" WHERE "sku" = ANY(${skus}::text[])`;
  const [totals] = await db.$queryRaw<[{ categories: number; products: number }]>`
    SELECT (SELECT count(*) FROM "catalog"."Category")::int AS "categories", (SELECT count(*) FROM "catalog"."Product")::int AS "products"`;
  return { newCategories, newProducts, newInventory, productIds: new Map(stored.map((p) => [p.sku, p.id])), totals };
}
