/**
 * Flash-sale pool rows in SQL. Every change to a pool runs in a transaction that first locks the
 * sale row (`lockSale`), and the CHECK constraints keep its counters balanced, so the pool is
 * exact whatever runs at once. Lock order, everywhere: the sale row, then its tickets, then the
 * product's inventory row; regular stock paths never lock sale rows, so no cycle can form.
 */
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import type { TicketRow, TicketStatus } from './flash-tickets.ts';
import type { Tx } from './inventory.ts';

type Db = PrismaClient | Tx;

/** A sale as the services see it (price as an exact decimal string). */
export interface SaleRow {
  id: string;
  productId: string;
  price: string;
  currencyCode: string;
  allocation: number;
  available: number;
  held: number;
  sold: number;
  returned: number;
  perBuyerLimit: number;
  admissionsPerSecond: number;
  queueOpensAt: Date;
  startsAt: Date;
  endsAt: Date;
  soldOutAt: Date | null;
  endedAt: Date | null;
  admittedThroughSeq: number;
  admissionWindow: number;
  admittedInWindow: number;
  createdAt: Date;
}

/** The counters and markers a pool transaction writes back. */
export type PoolUpdate = Partial<Pick<SaleRow, 'available' | 'held' | 'sold' | 'returned' | 'soldOutAt' | 'endedAt' | 'admittedThroughSeq' | 'admissionWindow' | 'admittedInWindow'>>;

const COLUMNS = Prisma.sql`"id", "productId", "price"::text AS "price", "currencyCode", "allocation", "available", "held", "sold", "returned",
  "perBuyerLimit", "admissionsPerSecond", "queueOpensAt", "startsAt", "endsAt", "soldOutAt", "endedAt", "admittedThroughSeq", "admissionWindow", "admittedInWindow", "createdAt"`;

/** Namespace (first key) of the per-sale advisory lock that lets one replica at a time run a sale's admissions. */
const SALE_WORK_LOCK = 0x66_6c_73_68; // "flsh"

export interface NewSale {
  productId: string;
  price: string;
  currencyCode: string;
  allocation: number;
  perBuyerLimit: number;
  admissionsPerSecond: number;
  queueOpensAt: Date;
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
}

/** Inserts a sale whose whole allocation is available; returns its id. */
export async function insertSale(tx: Tx, sale: NewSale): Promise<string> {
  const [row] = await tx.$queryRaw<[{ id: string }]>`
    INSERT INTO "catalog"."FlashSale" ("id", "productId", "price", "currencyCode", "allocation", "available", "perBuyerLimit", "admissionsPerSecond",
      "queueOpensAt", "startsAt", "endsAt", "createdBy", "updatedAt")
    VALUES (gen_random_uuid(), ${sale.productId}::uuid, ${sale.price}::numeric, ${sale.currencyCode}, ${sale.allocation}, ${sale.allocation}, ${sale.perBuyerLimit},
      ${sale.admissionsPerSecond}, ${sale.queueOpensAt}::timestamptz, ${sale.startsAt}::timestamptz, ${sale.endsAt}::timestamptz, ${sale.createdBy}, now())
    RETURNING "id"`;
  return row.id;
}

/** One sale, locked for the rest of the transaction; undefined when there is none. */
export async function lockSale(tx: Tx, id: string): Promise<SaleRow | undefined> {
  const [row] = await tx.$queryRaw<SaleRow[]>`SELECT ${COLUMNS} FROM "catalog"."FlashSale" WHERE "id" = ${id}::uuid FOR UPDATE`;
  return row;
}

/** Sales by id, in no particular order. */
export function findSales(db: Db, ids: readonly string[]): Promise<SaleRow[]> {
  return db.$queryRaw<SaleRow[]>`SELECT ${COLUMNS} FROM "catalog"."FlashSale" WHERE "id" = ANY(${[...ids]}::uuid[])`;
}

/** The newest `limit` sales. */
export function listSales(db: Db, limit: number): Promise<SaleRow[]> {
  return db.$queryRaw<SaleRow[]>`SELECT ${COLUMNS} FROM "catalog"."FlashSale" ORDER BY "createdAt" DESC, "id" DESC LIMIT ${limit}`;
}

/** Sales not ended whose queue opens before `horizon`: the ones the admission job looks after. */
export async function findOpenSaleIds(db: Db, horizon: Date): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "catalog"."FlashSale" WHERE "endedAt" IS NULL AND "queueOpensAt" <= ${horizon}::timestamptz ORDER BY "startsAt", "id"`;
  return rows.map((r) => r.id);
}

const poolSets = (update: PoolUpdate) =>
  Object.entries(update).map(([column, value]) =>
    value instanceof Date || value === null ? Prisma.sql`${Prisma.raw(`"${column}"`)} = ${value}::timestamptz` : Prisma.sql`${Prisma.raw(`"${column}"`)} = ${value}::int`,
  );

/** Writes a locked sale's new counters; the CHECK constraints refuse an unbalanced pool. */
export async function updatePool(tx: Tx, id: string, update: PoolUpdate): Promise<void> {
  const sets = poolSets(update);
  if (sets.length === 0) return;
  await tx.$executeRaw`UPDATE "catalog"."FlashSale" SET ${Prisma.join(sets, ', ')}, "updatedAt" = now() WHERE "id" = ${id}::uuid`;
}

/** What a purchase step changes on its (locked) ticket; `undefined` leaves a column as it is. */
export interface TicketUpdate {
  status: TicketStatus;
  units: number;
  checkoutKey?: string | null;
  quantity?: number | null;
  redeemExpiresAt?: Date | null;
}

/**
 * A sale and one of its tickets, both locked (the sale's row first, as everywhere), in one
 * statement: the pool row is the hot spot of a sale, and every round trip made while holding it
 * is time every other purchase waits.
 */
export async function lockSaleWithTicket(tx: Tx, saleId: string, ticketId: string): Promise<{ sale: SaleRow; ticket: TicketRow } | undefined> {
  const rows = await tx.$queryRaw<(SaleRow & Record<`t_${keyof TicketRow}`, unknown>)[]>`
    SELECT s."id", s."productId", s."price"::text AS "price", s."currencyCode", s."allocation", s."available", s."held", s."sold", s."returned",
      s."perBuyerLimit", s."admissionsPerSecond", s."queueOpensAt", s."startsAt", s."endsAt", s."soldOutAt", s."endedAt", s."admittedThroughSeq", s."admissionWindow",
      s."admittedInWindow", s."createdAt",
      t."id" AS "t_id", t."saleId" AS "t_saleId", t."userId" AS "t_userId", t."seq" AS "t_seq", t."status"::text AS "t_status", t."units" AS "t_units",
      t."joinedAt" AS "t_joinedAt", t."admittedAt" AS "t_admittedAt", t."tokenExpiresAt" AS "t_tokenExpiresAt", t."checkoutKey" AS "t_checkoutKey",
      t."quantity" AS "t_quantity", t."redeemExpiresAt" AS "t_redeemExpiresAt"
    FROM "catalog"."FlashSale" s JOIN "catalog"."FlashSaleTicket" t ON t."saleId" = s."id"
    WHERE s."id" = ${saleId}::uuid AND t."id" = ${ticketId}::uuid
    FOR UPDATE OF s, t`;
  const row = rows[0];
  if (!row) return undefined;
  const sale = {} as Record<string, unknown>;
  const ticket = {} as Record<string, unknown>;
  for (const [column, value] of Object.entries(row)) {
    if (column.startsWith('t_')) ticket[column.slice(2)] = value;
    else sale[column] = value;
  }
  return { sale: sale as unknown as SaleRow, ticket: ticket as unknown as TicketRow };
}

/** Writes a locked ticket and its locked sale's counters in one statement (see `lockSaleWithTicket`). */
export async function updateTicketAndPool(tx: Tx, saleId: string, update: PoolUpdate, ticketId: string, ticket: TicketUpdate): Promise<void> {
  const ticketSets = [
    Prisma.sql`"status" = ${ticket.status}::"catalog"."FlashSaleTicketStatus"`,
    Prisma.sql`"units" = ${ticket.units}::int`,
    ...(ticket.checkoutKey !== undefined ? [Prisma.sql`"checkoutKey" = ${ticket.checkoutKey}::text`] : []),
    ...(ticket.quantity !== undefined ? [Prisma.sql`"quantity" = ${ticket.quantity}::int`] : []),
    ...(ticket.redeemExpiresAt !== undefined ? [Prisma.sql`"redeemExpiresAt" = ${ticket.redeemExpiresAt}::timestamptz`] : []),
    Prisma.sql`"updatedAt" = now()`,
  ];
  const sets = poolSets(update);
  if (sets.length === 0) {
    await tx.$executeRaw`UPDATE "catalog"."FlashSaleTicket" SET ${Prisma.join(ticketSets, ', ')} WHERE "id" = ${ticketId}::uuid`;
    return;
  }
  // Both rows are already locked by this transaction, so one statement may write both.
  await tx.$executeRaw`
    WITH ticket AS (UPDATE "catalog"."FlashSaleTicket" SET ${Prisma.join(ticketSets, ', ')} WHERE "id" = ${ticketId}::uuid RETURNING "id")
    UPDATE "catalog"."FlashSale" SET ${Prisma.join(sets, ', ')}, "updatedAt" = now() WHERE "id" = ${saleId}::uuid AND EXISTS (SELECT 1 FROM ticket)`;
}

/** True when this transaction now holds the sale's work lock; false when another replica is working on it. */
export async function tryLockSaleWork(tx: Tx, saleId: string): Promise<boolean> {
  const [row] = await tx.$queryRaw<[{ locked: boolean }]>`SELECT pg_try_advisory_xact_lock(${SALE_WORK_LOCK}::int, hashtext(${saleId})) AS "locked"`;
  return row.locked;
}
