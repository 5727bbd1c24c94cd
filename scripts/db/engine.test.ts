/**
 * Migrations end to end on a scratch database of the local Postgres: all four subgraphs share it,
 * as they do in development, so this also shows their migration histories stay apart.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_SCHEMAS, SUBGRAPHS } from '@platform/config';
import { diff, migrateAll, readMigrations } from './engine.ts';

const SERVER = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const DATABASE = `test_migrations_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const DB_URL = `${SERVER}/${DATABASE}`;
const SLOW = 120_000; // the wasm engine is quick, but CI machines are shared

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = [], database = DATABASE) {
  const client = new pg.Client({ connectionString: `${SERVER}/${database}`, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`, [], 'postgres');
});

describe('scripts/db/engine', () => {
  it('migrateAll creates the database and applies every migration, then nothing', { timeout: SLOW }, async () => {
    const first = await migrateAll({ DATABASE_URL: DB_URL });
    expect(first.map((r) => r.subgraph)).toEqual([...SUBGRAPHS]);
    const committed = await Promise.all(SUBGRAPHS.map(async (subgraph) => ({ subgraph, applied: (await readMigrations(subgraph)).migrationDirectories.map((d) => d.path) })));
    expect(committed.filter((c) => c.applied.length === 0)).toEqual([]);
    expect(first.map(({ subgraph, applied }) => ({ subgraph, applied }))).toEqual(committed);

    const second = await migrateAll({ DATABASE_URL: DB_URL });
    expect(second.flatMap((r) => r.applied)).toEqual([]);
  });

  it("keeps each subgraph's history in its own Postgres schema", async () => {
    const tables = await query<{ schema: string }>(
      `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = '_prisma_migrations' ORDER BY 1`,
    );
    expect(tables.map((t) => t.schema)).toEqual(Object.values(PG_SCHEMAS).sort());
    const histories = [];
    const committed = [];
    for (const subgraph of SUBGRAPHS) {
      const rows = await query<{ name: string }>(
        `SELECT migration_name AS name FROM "${PG_SCHEMAS[subgraph]}"._prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1`,
      );
      histories.push({ subgraph, migrations: rows.map((r) => r.name) });
      committed.push({ subgraph, migrations: (await readMigrations(subgraph)).migrationDirectories.map((d) => d.path) });
    }
    expect(histories).toEqual(committed);
  });

  it('adds the CHECK constraints and the generated search column', async () => {
    const checks = await query<{ name: string }>(
      `SELECT conrelid::regclass::text || '.' || conname AS name FROM pg_constraint WHERE contype = 'c' AND connamespace::regnamespace::text = ANY($1) ORDER BY 1`,
      [Object.values(PG_SCHEMAS)],
    );
    expect(checks.map((c) => c.name)).toEqual([
      'cart."CartLine".CartLine_quantity_check',
      'catalog."FlashSale".FlashSale_counters_check',
      'catalog."FlashSale".FlashSale_pool_balance_check',
      'catalog."FlashSale".FlashSale_rules_check',
      'catalog."FlashSaleTicket".FlashSaleTicket_units_check',
      'catalog."Inventory".Inventory_onHand_check',
      'catalog."Inventory".Inventory_reserved_check',
      'catalog."Inventory".Inventory_reserved_le_onHand_check',
      'catalog."Reservation".Reservation_quantity_check',
      'orders."OrderLine".OrderLine_quantity_check',
      'pricing."Coupon".Coupon_max_redemptions_positive',
      'pricing."Coupon".Coupon_redemptions_within_limit',
      'pricing."Coupon".Coupon_value_valid',
      'pricing."Coupon".Coupon_window_ordered',
      'pricing."Price".Price_amount_positive',
      'pricing."PriceHistory".PriceHistory_amount_positive',
      'pricing."ShippingRate".ShippingRate_amounts_non_negative',
      'pricing."TaxRate".TaxRate_rate_fraction',
    ]);

    const [product] = await query<{ id: string }>(
      `INSERT INTO catalog."Product" (id, sku, name, brand, "updatedAt") VALUES ($1, 'SKU-1', 'Trail Shoe', 'Acme', now()) RETURNING id`,
      [randomUUID()],
    );
    await expect(
      query(`INSERT INTO catalog."Inventory" ("productId", "onHand", reserved, "updatedAt") VALUES ($1, 1, 2, now())`, [product!.id]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'Inventory_reserved_le_onHand_check' });

    const hits = await query(`SELECT 1 FROM catalog."Product" WHERE "searchVector" @@ to_tsquery('simple', 'acme & shoe')`);
    expect(hits).toHaveLength(1);
  });

  it('reports no difference between any schema.prisma and its migrations', { timeout: SLOW }, async () => {
    for (const subgraph of SUBGRAPHS) {
      expect({ subgraph, sql: (await diff(subgraph, DB_URL)).trim() }).toEqual({ subgraph, sql: '' });
    }
  });
});
