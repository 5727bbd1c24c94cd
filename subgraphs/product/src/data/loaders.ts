/**
 * Per-request DataLoaders: every product, category or availability a request touches is loaded
 * in one SQL statement per kind, however many entities the gateway asks for.
 */
import DataLoader from 'dataloader';
import type { PrismaClient, Product, Category } from '../generated/prisma/client.ts';

/** Orders rows to match `keys` (DataLoader needs a dense array aligned to its keys). */
export function alignById<T>(keys: readonly string[], rows: readonly T[], idOf: (row: T) => string): (T | null)[] {
  const byId = new Map(rows.map((row) => [idOf(row), row]));
  return keys.map((key) => byId.get(key) ?? null);
}

export interface AvailabilityRow {
  productId: string;
  availableQuantity: number;
}

export function createLoaders(prisma: PrismaClient) {
  return {
    product: new DataLoader<string, Product | null>(async (ids) => alignById(ids, await prisma.product.findMany({ where: { id: { in: [...ids] } } }), (p) => p.id)),
    category: new DataLoader<string, Category | null>(async (ids) => alignById(ids, await prisma.category.findMany({ where: { id: { in: [...ids] } } }), (c) => c.id)),
    availability: new DataLoader<string, AvailabilityRow>(async (ids) => {
      const rows = await prisma.inventory.findMany({ where: { productId: { in: [...ids] } }, select: { productId: true, onHand: true, reserved: true } });
      const byId = new Map(rows.map((r) => [r.productId, Math.max(0, r.onHand - r.reserved)]));
      return ids.map((productId) => ({ productId, availableQuantity: byId.get(productId) ?? 0 }));
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
