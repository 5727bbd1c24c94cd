/**
 * Abandoned-cart bookkeeping: which idle carts are due a `cart.abandoned` event (one per idle
 * period, i.e. per cart version), the users' reminder opt-outs, and the reminders sent.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { Owner } from './carts.ts';

type Db = PrismaClient | Prisma.TransactionClient;

export interface IdleCart extends Owner {
  id: string;
  version: number;
  updatedAt: Date;
  lineCount: number;
  totalQuantity: number;
}

/**
 * Carts with active lines, unchanged since `idleBefore`, not expired at `now` and not yet
 * reported at their current version: locked (skipping carts a write holds right now: that
 * write starts a new idle period anyway), oldest first, at most `limit`.
 */
export function lockIdleCarts(tx: Prisma.TransactionClient, idleBefore: Date, now: Date, limit: number): Promise<IdleCart[]> {
  return tx.$queryRaw<IdleCart[]>`
    /* shard:all abandoned-cart scan, off the request path */
    WITH due AS (
      SELECT c."id", c."version", c."ownerType", c."ownerId", c."updatedAt" FROM cart."Cart" c
      WHERE c."updatedAt" <= ${idleBefore} AND c."expiresAt" > ${now}
        AND EXISTS (SELECT 1 FROM cart."CartLine" l WHERE l."cartId" = c."id" AND NOT l."savedForLater")
        AND NOT EXISTS (SELECT 1 FROM cart."CartAbandonment" a WHERE a."cartId" = c."id" AND a."cartVersion" = c."version")
      ORDER BY c."updatedAt", c."id" LIMIT ${limit}
      FOR UPDATE OF c SKIP LOCKED
    )
    SELECT due."id"::text AS "id", due."version", due."ownerType"::text AS "ownerType", due."ownerId", due."updatedAt",
           count(l.*)::int AS "lineCount", sum(l."quantity")::int AS "totalQuantity"
    FROM due JOIN cart."CartLine" l ON l."cartId" = due."id" AND NOT l."savedForLater"
    GROUP BY due."id", due."version", due."ownerType", due."ownerId", due."updatedAt"
    ORDER BY due."updatedAt", due."id"`;
}

/** Records the idle periods reported (their events are in the stream outbox, same transaction). */
export async function recordAbandonments(tx: Prisma.TransactionClient, rows: readonly { cartId: string; cartVersion: number; eventId: string }[], at: Date): Promise<void> {
  if (rows.length) await tx.cartAbandonment.createMany({ data: rows.map((r) => ({ ...r, at })), skipDuplicates: true });
}

/** Whether a user wants reminders (no choice recorded: yes). */
export async function remindersEnabled(db: Db, userId: string): Promise<boolean> {
  const row = await db.reminderPreference.findUnique({ where: { userId }, select: { enabled: true } });
  return row?.enabled ?? true;
}

export async function setRemindersEnabled(db: Db, userId: string, enabled: boolean, now: Date): Promise<void> {
  await db.reminderPreference.upsert({ where: { userId }, create: { userId, enabled, updatedAt: now }, update: { enabled, updatedAt: now } });
}

/** The cart as a reminder needs it: its version, active lines and the owner's contact email. */
export function findReminderCart(db: Db, cartId: string) {
  return db.cart.findUnique({
    where: { id: cartId },
    select: { id: true, version: true, ownerType: true, ownerId: true, contactEmail: true, lines: { where: { savedForLater: false }, orderBy: [{ addedAt: 'asc' }, { id: 'asc' }], select: { productId: true, quantity: true, options: true } } },
  });
}

export interface ReminderKey {
  userId: string;
  cartId: string;
  cartVersion: number;
}

export async function reminderSent(db: Db, key: ReminderKey): Promise<boolean> {
  return (await db.cartReminder.findUnique({ where: { userId_cartId_cartVersion: key }, select: { userId: true } })) !== null;
}

export async function recordReminder(db: Db, key: ReminderKey, eventId: string, at: Date): Promise<void> {
  await db.cartReminder.createMany({ data: [{ ...key, eventId, sentAt: at }], skipDuplicates: true });
}
