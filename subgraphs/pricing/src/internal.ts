/** Internal operations of the pricing subgraph for other services (not in the public schema). */
import { HttpError, type InternalOperation } from '@platform/server';
import { z } from '@platform/config';
import type { PrismaClient } from './generated/prisma/client.ts';
import { money } from './services/money.ts';

const productIds = z.object({ productIds: z.array(z.string().uuid()).min(1).max(200) });

export function internalOperations(prisma: PrismaClient): Record<string, InternalOperation> {
  return {
    /** Current prices of many products; products without a price are left out. */
    async prices(body) {
      const parsed = productIds.safeParse(body);
      if (!parsed.success) throw new HttpError(400, 'invalid request: productIds must be 1..200 UUIDs', 'BAD_REQUEST');
      const rows = await prisma.price.findMany({ where: { productId: { in: parsed.data.productIds } } });
      return { items: rows.map((r) => ({ productId: r.productId, ...money(r.amount, r.currencyCode) })) };
    },
  };
}
