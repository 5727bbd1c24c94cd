/**
 * Cart reads. A cart travels as a `CartView`: a plain object (dates, decimal strings) that is the
 * same whether it came from Postgres or from the Redis cache, so resolvers never care which.
 */
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Cart, CartLine, CartOwnerType, Prisma, PrismaClient } from '../generated/prisma/client.ts';

export interface Owner {
  ownerType: CartOwnerType;
  ownerId: string;
}

export interface CartLineView {
  id: string;
  productId: string;
  options: Record<string, string> | null;
  quantity: number;
  /** Captured unit price, exact decimal string. */
  unitPrice: string;
  currencyCode: string;
  savedForLater: boolean;
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

/** Batches cart-line-by-id lookups (federation references) into one statement per request. */
export function createLineLoader(prisma: PrismaClient) {
  return new DataLoader<string, CartLineView | null>(async (ids) => {
    const rows = await prisma.cartLine.findMany({ where: { id: { in: [...ids] } } });
    const byId = new Map(rows.map((l) => [l.id, toLineView(l)]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Batches cart-by-id lookups (federation references) into one statement per request. */
export function createCartLoader(prisma: PrismaClient) {
  return new DataLoader<string, CartView | null>(async (ids) => {
    const rows = await prisma.cart.findMany({ where: { id: { in: [...ids] } }, include: withLines });
    const byId = new Map(rows.map((c) => [c.id, toCartView(c)]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/**
 * Creates the owner's cart if needed and locks its row, in one statement: `ON CONFLICT DO
 * UPDATE` takes the row lock, so concurrent writers to one cart queue here, and one of any
 * number of concurrent first writes inserts while the rest find it. Call inside a transaction.
 */
export async function lockCart(db: Prisma.TransactionClient, owner: Owner, now: Date, expiresAt: Date): Promise<string> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO cart."Cart" (id, "ownerType", "ownerId", "expiresAt", "createdAt", "updatedAt")
    VALUES (${randomUUID()}::uuid, ${owner.ownerType}::cart."CartOwnerType", ${owner.ownerId}, ${expiresAt}, ${now}, ${now})
    ON CONFLICT ("ownerType", "ownerId") DO UPDATE SET "ownerId" = EXCLUDED."ownerId"
    RETURNING id`;
  return rows[0]!.id;
}

/**
 * The owner's cart id, creating an empty cart on first write. `INSERT ... ON CONFLICT DO NOTHING`
 * (createMany with skipDuplicates) makes concurrent first writes safe: one inserts, all find it.
 */
export async function ensureCart(db: Db, owner: Owner, now: Date, expiresAt: Date): Promise<string> {
  const existing = await db.cart.findUnique({ where: { ownerType_ownerId: owner }, select: { id: true } });
  if (existing) return existing.id;
  await db.cart.createMany({ data: [{ ...owner, expiresAt, createdAt: now, updatedAt: now }], skipDuplicates: true });
  return (await db.cart.findUniqueOrThrow({ where: { ownerType_ownerId: owner }, select: { id: true } })).id;
}
