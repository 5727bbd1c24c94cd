/**
 * Internal operations of the product subgraph for other services (not in the public schema):
 * JSON over `/internal/<op>`, callable only with the platform's signed service identity.
 */
import { HttpError, type InternalOperation } from '@platform/server';
import { z } from '@platform/config';
import type { PrismaClient } from './generated/prisma/client.ts';

const productIds = z.object({ productIds: z.array(z.string().uuid()).min(1).max(200) });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new HttpError(400, `invalid request: ${result.error.issues[0]?.message ?? 'bad body'}`, 'BAD_REQUEST');
  return result.data;
}

export function internalOperations(prisma: PrismaClient): Record<string, InternalOperation> {
  return {
    /** Soft stock check for many products at once: which exist, and how many are available. */
    async availability(body) {
      const { productIds: ids } = parse(productIds, body);
      const rows = await prisma.product.findMany({ where: { id: { in: ids } }, select: { id: true, inventory: { select: { onHand: true, reserved: true } } } });
      const byId = new Map(rows.map((r) => [r.id, r.inventory ? Math.max(0, r.inventory.onHand - r.inventory.reserved) : 0]));
      return { items: ids.map((productId) => ({ productId, exists: byId.has(productId), availableQuantity: byId.get(productId) ?? 0 })) };
    },
  };
}
