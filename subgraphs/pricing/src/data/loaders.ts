/** Per-request DataLoaders: all prices a request needs come from one SQL statement. */
import DataLoader from 'dataloader';
import type { PrismaClient, Price } from '../generated/prisma/client.ts';

export function createLoaders(prisma: PrismaClient) {
  return {
    price: new DataLoader<string, Price | null>(async (ids) => {
      const rows = await prisma.price.findMany({ where: { productId: { in: [...ids] } } });
      const byId = new Map(rows.map((r) => [r.productId, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
