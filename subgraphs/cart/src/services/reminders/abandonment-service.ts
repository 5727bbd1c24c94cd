/**
 * Finding abandoned carts: a scheduled scan (one replica at a time) reports every cart that has
 * active lines and has not changed for `CART_ABANDONED_AFTER_HOURS`, once per idle period, as a
 * `cart.abandoned` event in the stream outbox. It never touches the cart: no version bump, no
 * cache invalidation, nothing on live sync; a later change starts a new idle period.
 */
import { envelope } from '@platform/events';
import { LOCKS, runExclusive } from '@platform/server';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { lockIdleCarts, recordAbandonments } from '../../data/reminders.ts';
import { insertStreamEvents } from '../../data/stream-outbox.ts';
import type { RequestContext } from '../../request-context.ts';

export const SCAN_BATCH = 500;

export class AbandonmentService {
  constructor(private readonly deps: { prisma: PrismaClient; idleHours: number }) {}

  /** Reports the carts idle at the context's clock; how many, or null when another replica is scanning. */
  async scan(ctx: RequestContext): Promise<number | null> {
    const now = ctx.clock();
    const idleBefore = new Date(now.getTime() - this.deps.idleHours * 3_600_000);
    let reported = 0;
    for (;;) {
      const outcome = await runExclusive(this.deps.prisma, LOCKS.cartAbandonmentScan, async (tx) => {
        const carts = await lockIdleCarts(tx, idleBefore, now, SCAN_BATCH);
        const rows = carts.map((c) => {
          // Built through the envelope schema, so a bad row fails here and not at a partner.
          const { data } = envelope('cart.abandoned', 'pending', now, {
            cartId: c.id,
            cartVersion: c.version,
            ownerType: c.ownerType,
            ownerId: c.ownerId,
            idleSince: c.updatedAt.toISOString(),
            lineCount: c.lineCount,
            totalQuantity: c.totalQuantity,
          });
          return { type: 'cart.abandoned' as const, key: c.id, data, occurredAt: now };
        });
        const eventIds = new Map((await insertStreamEvents(tx, rows)).map((e) => [e.key, e.eventId]));
        await recordAbandonments(
          tx,
          carts.map((c) => ({ cartId: c.id, cartVersion: c.version, eventId: eventIds.get(c.id)! })),
          now,
        );
        return carts.length;
      });
      if (!outcome.ran) return reported ? reported : null;
      reported += outcome.result;
      if (outcome.result < SCAN_BATCH) return reported;
    }
  }
}
