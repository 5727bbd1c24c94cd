/**
 * Flash-sale tickets in SQL: the record of every place in every queue, which the Redis queue
 * mirrors and is rebuilt from. Writes that move units run inside the pool transaction of
 * `flash-sales.ts`, after the sale row is locked.
 */
import { Prisma, type FlashSaleTicketStatus, type PrismaClient } from '../generated/prisma/client.ts';
import type { Tx } from './inventory.ts';

type Db = PrismaClient | Tx;

export type TicketStatus = FlashSaleTicketStatus;

export interface TicketRow {
  id: string;
  saleId: string;
  userId: string;
  seq: number;
  status: TicketStatus;
  units: number;
  joinedAt: Date;
  admittedAt: Date | null;
  tokenExpiresAt: Date | null;
  checkoutKey: string | null;
  quantity: number | null;
  redeemExpiresAt: Date | null;
}

const COLUMNS = Prisma.sql`"id", "saleId", "userId", "seq", "status"::text AS "status", "units", "joinedAt", "admittedAt", "tokenExpiresAt", "checkoutKey", "quantity", "redeemExpiresAt"`;

/** The (saleId, seq) unique index refused a seq another replica issued meanwhile. */
export class SeqTaken extends Error {}

/**
 * Inserts a WAITING ticket if the sale takes joins at `now` (queue open, not ended, not sold
 * out: checked in the same statement, so a sale closing meanwhile gets no new waiter). Returns
 * the new row, `existing` when the user already has a ticket, or `closed`.
 *
 * `seq` is the place Redis issued, or `'next'` when Postgres issues it (Redis away): then the
 * sale row's counter moves past every place issued so far and the ticket takes it in the same
 * statement, before the row lock is released, so places commit in the order they are issued and
 * a waiting ticket's rank counted right after is exact (a separate counter bump let a later place
 * commit first and count itself one too high). A place issued but not used is only a gap.
 */
export async function insertTicket(db: Db, ticket: { saleId: string; userId: string; seq: number | 'next'; now: Date }): Promise<{ created: TicketRow } | { existing: true } | { closed: true }> {
  const issued =
    ticket.seq === 'next'
      ? Prisma.sql`WITH issued AS (
          UPDATE "catalog"."FlashSale"
          SET "postgresSeq" = greatest("postgresSeq", (SELECT coalesce(max("seq"), 0) FROM "catalog"."FlashSaleTicket" WHERE "saleId" = ${ticket.saleId}::uuid)) + 1
          WHERE "id" = ${ticket.saleId}::uuid
          RETURNING "postgresSeq" AS "seq")`
      : Prisma.sql`WITH issued AS (SELECT ${ticket.seq}::int AS "seq")`;
  try {
    const rows = await db.$queryRaw<TicketRow[]>`
      ${issued}
      INSERT INTO "catalog"."FlashSaleTicket" ("id", "saleId", "userId", "seq", "status", "joinedAt", "updatedAt")
      SELECT gen_random_uuid(), s."id", ${ticket.userId}, issued."seq", 'WAITING', ${ticket.now}::timestamptz, now()
      FROM "catalog"."FlashSale" s, issued
      WHERE s."id" = ${ticket.saleId}::uuid AND s."queueOpensAt" <= ${ticket.now}::timestamptz AND s."endsAt" > ${ticket.now}::timestamptz
        AND s."endedAt" IS NULL AND s."soldOutAt" IS NULL
      ON CONFLICT ("saleId", "userId") DO NOTHING
      RETURNING ${COLUMNS}`;
    if (rows[0]) return { created: rows[0] };
    const existing = await findTicket(db, ticket.saleId, ticket.userId);
    return existing ? { existing: true } : { closed: true };
  } catch (error) {
    // A raw query's unique violation arrives as P2010 naming the index in its message.
    if (/FlashSaleTicket_saleId_seq_key/.test(String((error as Error | undefined)?.message))) throw new SeqTaken();
    throw error;
  }
}

/** One user's ticket for a sale. */
export async function findTicket(db: Db, saleId: string, userId: string): Promise<TicketRow | undefined> {
  const [row] = await db.$queryRaw<TicketRow[]>`SELECT ${COLUMNS} FROM "catalog"."FlashSaleTicket" WHERE "saleId" = ${saleId}::uuid AND "userId" = ${userId}`;
  return row;
}

/** A ticket by id, locked (redeeming a token locks only its ticket). */
export async function lockTicket(tx: Tx, id: string): Promise<TicketRow | undefined> {
  const [row] = await tx.$queryRaw<TicketRow[]>`SELECT ${COLUMNS} FROM "catalog"."FlashSaleTicket" WHERE "id" = ${id}::uuid FOR UPDATE`;
  return row;
}

/** The ticket a checkout redeemed, unlocked (to find its sale first). */
export async function findTicketByCheckoutKey(db: Db, checkoutKey: string): Promise<TicketRow | undefined> {
  const [row] = await db.$queryRaw<TicketRow[]>`SELECT ${COLUMNS} FROM "catalog"."FlashSaleTicket" WHERE "checkoutKey" = ${checkoutKey}`;
  return row;
}

/** Waiting tickets at or before `seq`: the 1-based place of the waiting ticket `seq`. */
export async function waitingUpTo(db: Db, saleId: string, seq: number): Promise<number> {
  const [row] = await db.$queryRaw<[{ count: number }]>`
    SELECT count(*)::int AS "count" FROM "catalog"."FlashSaleTicket" WHERE "saleId" = ${saleId}::uuid AND "status" = 'WAITING' AND "seq" <= ${seq}::int`;
  return row.count;
}

/** The next `limit` waiting tickets in join order, locked. */
export function lockNextWaiting(tx: Tx, saleId: string, limit: number): Promise<TicketRow[]> {
  return tx.$queryRaw<TicketRow[]>`
    SELECT ${COLUMNS} FROM "catalog"."FlashSaleTicket" WHERE "saleId" = ${saleId}::uuid AND "status" = 'WAITING' ORDER BY "seq" LIMIT ${limit}::int FOR UPDATE`;
}

/** Admitted tickets whose token lapsed, and redeeming ones whose checkout hold lapsed, at `now`; locked. */
export function lockLapsed(tx: Tx, saleId: string, now: Date): Promise<TicketRow[]> {
  return tx.$queryRaw<TicketRow[]>`
    SELECT ${COLUMNS} FROM "catalog"."FlashSaleTicket"
    WHERE "saleId" = ${saleId}::uuid
      AND (("status" = 'ADMITTED' AND "tokenExpiresAt" <= ${now}::timestamptz) OR ("status" = 'REDEEMING' AND "redeemExpiresAt" <= ${now}::timestamptz))
    ORDER BY "seq" FOR UPDATE`;
}

/** Tickets of a sale in one status, locked (ending a sale). */
export function lockInStatus(tx: Tx, saleId: string, status: TicketStatus): Promise<TicketRow[]> {
  return tx.$queryRaw<TicketRow[]>`SELECT ${COLUMNS} FROM "catalog"."FlashSaleTicket" WHERE "saleId" = ${saleId}::uuid AND "status" = ${status}::"catalog"."FlashSaleTicketStatus" ORDER BY "seq" FOR UPDATE`;
}

/** Admits tickets: each holds its units until `tokenExpiresAt`. */
export async function admit(tx: Tx, tickets: readonly { id: string; units: number }[], admittedAt: Date, tokenExpiresAt: Date): Promise<void> {
  if (tickets.length === 0) return;
  await tx.$executeRaw`
    UPDATE "catalog"."FlashSaleTicket" AS t SET "status" = 'ADMITTED', "units" = v."units", "admittedAt" = ${admittedAt}::timestamptz,
      "tokenExpiresAt" = ${tokenExpiresAt}::timestamptz, "updatedAt" = now()
    FROM unnest(${tickets.map((t) => t.id)}::uuid[], ${tickets.map((t) => t.units)}::int[]) AS v("id", "units")
    WHERE t."id" = v."id"`;
}

/** Moves tickets to `status`, releasing what they held. */
export async function setStatus(tx: Tx, ids: readonly string[], status: TicketStatus): Promise<void> {
  if (ids.length === 0) return;
  await tx.$executeRaw`
    UPDATE "catalog"."FlashSaleTicket" SET "status" = ${status}::"catalog"."FlashSaleTicketStatus", "units" = 0, "updatedAt" = now() WHERE "id" = ANY(${[...ids]}::uuid[])`;
}

/** Every waiting ticket of a sale becomes SOLD_OUT; returns how many. */
export async function closeWaiting(tx: Tx, saleId: string): Promise<number> {
  return tx.$executeRaw`UPDATE "catalog"."FlashSaleTicket" SET "status" = 'SOLD_OUT', "updatedAt" = now() WHERE "saleId" = ${saleId}::uuid AND "status" = 'WAITING'`;
}

/** Tickets of a sale by status. */
export async function countByStatus(db: Db, saleId: string): Promise<Partial<Record<TicketStatus, number>>> {
  const rows = await db.$queryRaw<{ status: TicketStatus; count: number }[]>`
    SELECT "status"::text AS "status", count(*)::int AS "count" FROM "catalog"."FlashSaleTicket" WHERE "saleId" = ${saleId}::uuid GROUP BY "status"`;
  return Object.fromEntries(rows.map((r) => [r.status, r.count]));
}

/** Every ticket's user and join order (to rebuild the Redis queue), and how many there are. */
export function ticketOrder(db: Db, saleId: string): Promise<{ userId: string; seq: number }[]> {
  return db.$queryRaw<{ userId: string; seq: number }[]>`SELECT "userId", "seq" FROM "catalog"."FlashSaleTicket" WHERE "saleId" = ${saleId}::uuid ORDER BY "seq"`;
}

/** How many tickets a sale has and the highest join order issued. */
export async function ticketTotals(db: Db, saleId: string): Promise<{ count: number; maxSeq: number }> {
  const [row] = await db.$queryRaw<[{ count: number; maxSeq: number }]>`
    SELECT count(*)::int AS "count", coalesce(max("seq"), 0)::int AS "maxSeq" FROM "catalog"."FlashSaleTicket" WHERE "saleId" = ${saleId}::uuid`;
  return row;
}
