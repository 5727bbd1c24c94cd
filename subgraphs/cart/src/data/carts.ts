/**
 * Carts and their lines in Postgres. A cart travels as a `CartView`: a plain object (dates,
 * decimal strings) that is the same whether it came from Postgres or from the Redis cache, so
 * resolvers never care which. The write path and the reads by owner or id are plain SQL on the
 * subgraph's pool (a cart change runs several statements in one transaction, where Prisma's
 * per-statement cost would be most of the write's CPU); the federation loaders use Prisma.
 */
import DataLoader from 'dataloader';
import { v7 as uuidv7 } from 'uuid';
import type { SqlExecutor } from '@platform/server';
import type { Cart, CartLine, CartOwnerType, PrismaClient } from '../generated/prisma/client.ts';
import type { CartLineWire } from '../contract/internal.ts';

export interface Owner {
  ownerType: CartOwnerType;
  ownerId: string;
}

/** A line as this subgraph holds it: what travels to other services, plus its timestamps. */
export interface CartLineView extends CartLineWire {
  addedAt: Date;
  updatedAt: Date;
}

export interface CartView {
  id: string;
  ownerType: CartOwnerType;
  ownerId: string;
  version: number;
  couponCodes: string[];
  shippingCountry: string | null;
  expiresAt: Date;
  updatedAt: Date;
  /** Active and saved lines, oldest first. */
  lines: CartLineView[];
  /** Only on the answer to a change accepted against the last known stock while product was not answering. */
  stockUnverified?: true;
}

const withLines = { lines: { orderBy: [{ addedAt: 'asc' as const }, { id: 'asc' as const }] } };

export function toLineView(line: CartLine): CartLineView {
  return {
    id: line.id,
    productId: line.productId,
    options: (line.options as Record<string, string> | null) ?? null,
    quantity: line.quantity,
    unitPrice: line.unitPrice.toFixed(2),
    currencyCode: line.currencyCode,
    savedForLater: line.savedForLater,
    addedAt: line.addedAt,
    updatedAt: line.updatedAt,
  };
}

export function toCartView(cart: Cart & { lines: CartLine[] }): CartView {
  return {
    id: cart.id,
    ownerType: cart.ownerType,
    ownerId: cart.ownerId,
    version: cart.version,
    couponCodes: cart.couponCodes,
    shippingCountry: cart.shippingCountry,
    expiresAt: cart.expiresAt,
    updatedAt: cart.updatedAt,
    lines: cart.lines.map(toLineView),
  };
}

/** Revives a view read back from JSON (the cache): dates become Dates again. */
export function reviveCartView(json: CartView): CartView {
  return {
    ...json,
    expiresAt: new Date(json.expiresAt),
    updatedAt: new Date(json.updatedAt),
    lines: json.lines.map((l) => ({ ...l, addedAt: new Date(l.addedAt), updatedAt: new Date(l.updatedAt) })),
  };
}

/** A cart row with its lines as one JSON array, exactly as `CART_SELECT` reads it. */
export interface CartRow {
  id: string;
  ownerType: CartOwnerType;
  ownerId: string;
  version: number;
  couponCodes: string[];
  shippingCountry: string | null;
  expiresAt: Date;
  updatedAt: Date;
  lines: (Omit<CartLineView, 'addedAt' | 'updatedAt'> & { addedAt: string; updatedAt: string })[];
}

/**
 * The lines of the cart whose id is `cartId` (an SQL expression) as one JSON array, oldest first.
 * Amounts travel as text, so no decimal passes through a float.
 */
export const linesJson = (cartId: string) => `COALESCE((
      SELECT json_agg(json_build_object(
        'id', l."id", 'productId', l."productId", 'options', l."options", 'quantity', l."quantity", 'unitPrice', to_char(l."unitPrice", 'FM999999999999990.00'),
        'currencyCode', l."currencyCode", 'savedForLater', l."savedForLater", 'addedAt', l."addedAt", 'updatedAt', l."updatedAt"
      ) ORDER BY l."addedAt", l."id")
      FROM cart."CartLine" l WHERE l."cartId" = ${cartId}), '[]'::json)`;

/** A cart and its lines in one statement (the hot path: every cache miss reads it, every write once). */
const CART_SELECT = `
  SELECT c."id", c."ownerType"::text AS "ownerType", c."ownerId", c."version", c."couponCodes", c."shippingCountry", c."expiresAt", c."updatedAt",
    ${linesJson('c."id"')} AS "lines"
  FROM cart."Cart" c`;

export function cartFromRow(row: CartRow): CartView {
  return {
    id: row.id,
    ownerType: row.ownerType,
    ownerId: row.ownerId,
    version: row.version,
    couponCodes: row.couponCodes,
    shippingCountry: row.shippingCountry,
    expiresAt: row.expiresAt,
    updatedAt: row.updatedAt,
    lines: row.lines.map((l) => ({ ...l, currencyCode: l.currencyCode.trim(), options: l.options ?? null, addedAt: new Date(l.addedAt), updatedAt: new Date(l.updatedAt) })),
  };
}

export async function findCartByOwner(db: SqlExecutor, owner: Owner): Promise<CartView | null> {
  const [row] = await db.query<CartRow>(`${CART_SELECT} WHERE c."ownerType" = $1::cart."CartOwnerType" AND c."ownerId" = $2`, [owner.ownerType, owner.ownerId]);
  return row ? cartFromRow(row) : null;
}

export async function findCartById(db: SqlExecutor, id: string): Promise<CartView | null> {
  const [row] = await db.query<CartRow>(`${CART_SELECT} WHERE c."id" = $1::uuid`, [id]);
  return row ? cartFromRow(row) : null;
}

/** The statement of `lockCart` and `lockAndReadCart`, less its RETURNING ($1 a new id, $2 owner type, $3 owner id, $4 expiry, $5 now). */
const CREATE_OR_LOCK = `INSERT INTO cart."Cart" (id, "ownerType", "ownerId", "expiresAt", "createdAt", "updatedAt")
     VALUES ($1::uuid, $2::cart."CartOwnerType", $3, $4, $5, $5)
     ON CONFLICT ("ownerType", "ownerId") DO UPDATE SET "ownerId" = EXCLUDED."ownerId"`;
const createOrLockValues = (owner: Owner, now: Date, expiresAt: Date) => [uuidv7(), owner.ownerType, owner.ownerId, expiresAt, now];

/**
 * The one way a cart comes to exist: creates the owner's cart if needed and locks its row, in
 * one statement. `ON CONFLICT DO UPDATE` takes the row lock, so concurrent writers to one cart
 * queue here, and one of any number of concurrent first writes inserts while the rest find it.
 * Inside a transaction the lock lasts until it ends; outside one it only makes sure the cart exists.
 */
export async function lockCart(db: SqlExecutor, owner: Owner, now: Date, expiresAt: Date): Promise<string> {
  const rows = await db.query<{ id: string }>(`${CREATE_OR_LOCK} RETURNING id`, createOrLockValues(owner, now, expiresAt));
  return rows[0]!.id;
}

/**
 * `lockCart` and the cart's read in one round trip, when that read can be trusted. The statement
 * reads with the snapshot it started with, which may predate a wait for the row lock: a writer
 * that held the lock may have committed lines since. Every change of a cart's lines happens under
 * its row lock and moves its version in the same transaction, so the lines read are current
 * exactly when the version the snapshot saw is the version now locked (or the row is the one this
 * statement inserted, which has no lines yet). Otherwise `cart` is null and the caller reads it
 * again, in a statement of its own that starts after the lock.
 */
export async function lockAndReadCart(tx: SqlExecutor, owner: Owner, now: Date, expiresAt: Date): Promise<{ id: string; cart: CartView | null }> {
  const rows = await tx.query<CartRow & { inserted: boolean; seenVersion: number | null }>(
    `WITH locked AS (
       ${CREATE_OR_LOCK}
       RETURNING "id", "ownerType", "ownerId", "version", "couponCodes", "shippingCountry", "expiresAt", "updatedAt", (xmax = 0) AS "inserted"
     )
     SELECT k."id", k."ownerType"::text AS "ownerType", k."ownerId", k."version", k."couponCodes", k."shippingCountry", k."expiresAt", k."updatedAt", k."inserted",
            (SELECT c."version" FROM cart."Cart" c WHERE c."id" = k."id") AS "seenVersion",
            ${linesJson('k."id"')} AS "lines"
     FROM locked k`,
    createOrLockValues(owner, now, expiresAt),
  );
  const { inserted, seenVersion, ...row } = rows[0]!;
  return { id: row.id, cart: inserted || seenVersion === row.version ? cartFromRow(row) : null };
}

/** Locks the owner's cart row if the owner has a cart (never creates one); its id, or null. */
export async function lockExistingCart(tx: SqlExecutor, owner: Owner): Promise<string | null> {
  const rows = await tx.query<{ id: string }>(`SELECT id FROM cart."Cart" WHERE "ownerType" = $1::cart."CartOwnerType" AND "ownerId" = $2 FOR UPDATE`, [owner.ownerType, owner.ownerId]);
  return rows[0]?.id ?? null;
}

/** The id of the owner's cart, or null before its first change. */
export async function findCartIdByOwner(db: SqlExecutor, owner: Owner): Promise<string | null> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM cart."Cart" WHERE "ownerType" = $1::cart."CartOwnerType" AND "ownerId" = $2`, [owner.ownerType, owner.ownerId]);
  return rows[0]?.id ?? null;
}

// --- changes, each one statement inside the writer's transaction (the cart row is locked) -----

export interface NewLine {
  productId: string;
  optionsKey: string;
  options: Record<string, string> | null;
  quantity: number;
  /** Exact decimal string. */
  unitPrice: string;
  currencyCode: string;
  savedForLater?: boolean;
}

/** Adds a line to the cart; its id. */
export async function insertLine(tx: SqlExecutor, cartId: string, line: NewLine, now: Date): Promise<string> {
  const id = uuidv7();
  await tx.query(
    `INSERT INTO cart."CartLine" ("id", "cartId", "productId", "optionsKey", "options", "quantity", "unitPrice", "currencyCode", "savedForLater", "addedAt", "updatedAt")
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::jsonb, $6, $7::numeric, $8, $9, $10, $10)`,
    [id, cartId, line.productId, line.optionsKey, line.options === null ? null : JSON.stringify(line.options), line.quantity, line.unitPrice, line.currencyCode, line.savedForLater ?? false, now],
  );
  return id;
}

/** Sets one line's quantity. Every line statement names its cart: the cart id is the lines' shard key. */
export async function setLineQuantity(tx: SqlExecutor, cartId: string, lineId: string, quantity: number, now: Date): Promise<void> {
  await tx.query(`UPDATE cart."CartLine" SET "quantity" = $3, "updatedAt" = $4 WHERE "cartId" = $1::uuid AND "id" = $2::uuid`, [cartId, lineId, quantity, now]);
}

/** Moves one line between the cart and saved-for-later. */
export async function setLineSaved(tx: SqlExecutor, cartId: string, lineId: string, savedForLater: boolean, now: Date): Promise<void> {
  await tx.query(`UPDATE cart."CartLine" SET "savedForLater" = $3, "updatedAt" = $4 WHERE "cartId" = $1::uuid AND "id" = $2::uuid`, [cartId, lineId, savedForLater, now]);
}

/**
 * Moves one line to another cart (a merge), keeping what it is: deleted from one cart and inserted
 * into the other, never an update of its cart id, which on a sharded database is its shard key.
 */
export async function moveLineToCart(tx: SqlExecutor, fromCartId: string, lineId: string, toCartId: string, now: Date): Promise<void> {
  await tx.query(
    `WITH moved AS (DELETE FROM cart."CartLine" WHERE "cartId" = $1::uuid AND "id" = $2::uuid RETURNING *)
     INSERT INTO cart."CartLine" ("id", "cartId", "productId", "optionsKey", "options", "quantity", "unitPrice", "currencyCode", "savedForLater", "addedAt", "updatedAt")
     SELECT "id", $3::uuid, "productId", "optionsKey", "options", "quantity", "unitPrice", "currencyCode", "savedForLater", "addedAt", $4 FROM moved`,
    [fromCartId, lineId, toCartId, now],
  );
}

/** Deletes one line. */
export async function deleteLine(tx: SqlExecutor, cartId: string, lineId: string): Promise<void> {
  await tx.query(`DELETE FROM cart."CartLine" WHERE "cartId" = $1::uuid AND "id" = $2::uuid`, [cartId, lineId]);
}

/** Deletes the cart's active lines (saved-for-later lines stay). */
export async function deleteActiveLines(tx: SqlExecutor, cartId: string): Promise<void> {
  await tx.query(`DELETE FROM cart."CartLine" WHERE "cartId" = $1::uuid AND NOT "savedForLater"`, [cartId]);
}

/** Sets the cart's coupons and, when given, its shipping country (the version moves with the change's event). */
export async function setCartTerms(tx: SqlExecutor, cartId: string, terms: { couponCodes?: readonly string[]; shippingCountry?: string | null }): Promise<void> {
  await tx.query(
    `UPDATE cart."Cart" SET "couponCodes" = COALESCE($2::text[], "couponCodes"), "shippingCountry" = CASE WHEN $3 THEN $4 ELSE "shippingCountry" END WHERE "id" = $1::uuid`,
    [cartId, terms.couponCodes ?? null, terms.shippingCountry !== undefined, terms.shippingCountry ?? null],
  );
}

/** Deletes a cart with its lines, events and shares (cascades). */
export async function deleteCart(tx: SqlExecutor, cartId: string): Promise<void> {
  await tx.query(`DELETE FROM cart."Cart" WHERE "id" = $1::uuid`, [cartId]);
}


/**
 * Per-request loaders of carts and lines by id (federation references): one statement each per
 * request. They read Postgres with no cache tag, so a response using them is never cached.
 */
export function createCartLoaders(prisma: PrismaClient, onRead: () => void = () => undefined) {
  return {
    cart: new DataLoader<string, CartView | null>(async (ids) => {
      onRead();
      const rows = await prisma.cart.findMany({ where: { id: { in: [...ids] } }, include: withLines });
      const byId = new Map(rows.map((c) => [c.id, toCartView(c)]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    line: new DataLoader<string, CartLineView | null>(async (ids) => {
      onRead();
      const rows = await prisma.cartLine.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((l) => [l.id, toLineView(l)]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
export type CartLoaders = ReturnType<typeof createCartLoaders>;
