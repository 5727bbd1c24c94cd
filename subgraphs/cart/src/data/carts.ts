/**
 * Cart reads. A cart travels as a `CartView`: a plain object (dates, decimal strings) that is the
 * same whether it came from Postgres or from the Redis cache, so resolvers never care which.
 */
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Cart, CartLine, CartOwnerType, Prisma, PrismaClient } from '../generated/prisma/client.ts';
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
}

type Db = PrismaClient | Prisma.TransactionClient;

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

export async function findCartByOwner(db: Db, owner: Owner): Promise<CartView | null> {
  const cart = await db.cart.findUnique({ where: { ownerType_ownerId: owner }, include: withLines });
  return cart ? toCartView(cart) : null;
}

export async function findCartById(db: Db, id: string): Promise<CartView | null> {
  const cart = await db.cart.findUnique({ where: { id }, include: withLines });
  return cart ? toCartView(cart) : null;
}

/**
 * The one way a cart comes to exist: creates the owner's cart if needed and locks its row, in
 * one statement. `ON CONFLICT DO UPDATE` takes the row lock, so concurrent writers to one cart
 * queue here, and one of any number of concurrent first writes inserts while the rest find it.
 * Inside a transaction the lock lasts until it ends; outside one it only makes sure the cart exists.
 */
export async function lockCart(db: Db, owner: Owner, now: Date, expiresAt: Date): Promise<string> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO cart."Cart" (id, "ownerType", "ownerId", "expiresAt", "createdAt", "updatedAt")
    VALUES (${randomUUID()}::uuid, ${owner.ownerType}::cart."CartOwnerType", ${owner.ownerId}, ${expiresAt}, ${now}, ${now})
    ON CONFLICT ("ownerType", "ownerId") DO UPDATE SET "ownerId" = EXCLUDED."ownerId"
    RETURNING id`;
  return rows[0]!.id;
}

/** Locks the owner's cart row if the owner has a cart (never creates one); its id, or null. */
export async function lockExistingCart(tx: Prisma.TransactionClient, owner: Owner): Promise<string | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM cart."Cart" WHERE "ownerType" = ${owner.ownerType}::cart."CartOwnerType" AND "ownerId" = ${owner.ownerId} FOR UPDATE`;
  return rows[0]?.id ?? null;
}

/** The id of the owner's cart, or null before its first change. */
export async function findCartIdByOwner(db: Db, owner: Owner): Promise<string | null> {
  const cart = await db.cart.findUnique({ where: { ownerType_ownerId: owner }, select: { id: true } });
  return cart?.id ?? null;
}

/** Bumps the cart's version after a change at `now`, pushes its expiry out and (when given) records the owner's contact email; returns the new version. */
export async function bumpVersion(tx: Prisma.TransactionClient, cartId: string, now: Date, expiresAt: Date, contact?: { email: string | null }): Promise<number> {
  const { version } = await tx.cart.update({
    where: { id: cartId },
    data: { version: { increment: 1 }, updatedAt: now, expiresAt, ...(contact ? { contactEmail: contact.email } : {}) },
    select: { version: true },
  });
  return version;
}

/** Per-request loaders of carts and lines by id (federation references): one statement each per request. */
export function createCartLoaders(prisma: PrismaClient) {
  return {
    cart: new DataLoader<string, CartView | null>(async (ids) => {
      const rows = await prisma.cart.findMany({ where: { id: { in: [...ids] } }, include: withLines });
      const byId = new Map(rows.map((c) => [c.id, toCartView(c)]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    line: new DataLoader<string, CartLineView | null>(async (ids) => {
      const rows = await prisma.cartLine.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((l) => [l.id, toLineView(l)]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
export type CartLoaders = ReturnType<typeof createCartLoaders>;
