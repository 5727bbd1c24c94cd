/**
 * Flash-sale rows as the hot read paths (joins, ticket reads, sale pages) see them: a
 * process-local copy of each sale for at most `ttlMs`, so a hundred thousand shoppers asking
 * about one sale cost one SQL statement a second per replica, not one each. Writes on this
 * replica drop their sale at once; another replica's writes show within `ttlMs`. Nothing that
 * moves units reads through here: pool transactions lock the row in Postgres.
 */
import type { PrismaClient } from '../generated/prisma/client.ts';
import { findSales, type SaleRow } from '../data/flash-sales.ts';

export interface SaleCache {
  load(ids: readonly string[]): Promise<(SaleRow | null)[]>;
  drop(id: string): void;
}

/** A per-process cache of sale rows over `prisma`. */
export function createSaleCache(prisma: PrismaClient, ttlMs = 1_000): SaleCache {
  const entries = new Map<string, { row: SaleRow; at: number }>();
  return {
    async load(ids) {
      const now = Date.now();
      const fresh = (id: string) => {
        const entry = entries.get(id);
        return entry && now - entry.at < ttlMs ? entry.row : undefined;
      };
      const missing = [...new Set(ids.filter((id) => !fresh(id)))];
      if (missing.length) for (const row of await findSales(prisma, missing)) entries.set(row.id, { row, at: now });
      return ids.map((id) => fresh(id) ?? null);
    },
    drop: (id) => void entries.delete(id),
  };
}
