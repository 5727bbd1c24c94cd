/**
 * Cart business rules. Every change runs in one Postgres transaction that locks the cart row,
 * so concurrent writes to one cart serialise and none is lost; each bumps `version` and appends
 * a cart event. An expected failure returns a `UserError` and rolls everything back.
 */
import { isUuid } from '@platform/errors';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { CatalogClient } from '../clients/catalog.ts';
import { findCartByOwner, type CartWithLines, type Owner } from '../data/carts.ts';
import { InsufficientStock, InvalidQuantity, MAX_QUANTITY, MIN_QUANTITY, ProductNotFound, type CartUserError } from './errors.ts';
import { optionsKey, type LineOptions } from './options.ts';

export type CartResult = CartWithLines | CartUserError;

export interface CartServiceDeps {
  prisma: PrismaClient;
  catalog: CatalogClient;
  ttlDays: { USER: number; GUEST: number };
  now?: () => Date;
}

/** Thrown inside a transaction to roll it back and answer with an expected outcome. */
class Rollback extends Error {
  constructor(readonly result: CartUserError) {
    super(result.message);
  }
}

const isValidQuantity = (q: number) => Number.isInteger(q) && q >= MIN_QUANTITY && q <= MAX_QUANTITY;

export class CartService {
  private readonly now: () => Date;
  constructor(private readonly deps: CartServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The owner's cart, or null before its first change. */
  getCart(owner: Owner): Promise<CartWithLines | null> {
    return findCartByOwner(this.deps.prisma, owner);
  }

  private expiresAt(owner: Owner, from: Date): Date {
    return new Date(from.getTime() + this.deps.ttlDays[owner.ownerType] * 86_400_000);
  }

  /**
   * Runs `change` on the owner's locked cart (created on first write), then bumps the version,
   * refreshes expiry and appends the event `change` describes.
   */
  private async mutate(owner: Owner, change: (tx: Prisma.TransactionClient, cartId: string, now: Date) => Promise<Omit<Prisma.CartEventUncheckedCreateInput, 'cartId' | 'version' | 'ownerType' | 'ownerId'>>): Promise<CartResult> {
    try {
      return await this.deps.prisma.$transaction(async (tx) => {
        const now = this.now();
        const { id: cartId } = await tx.cart.upsert({
          where: { ownerType_ownerId: owner },
          create: { ...owner, expiresAt: this.expiresAt(owner, now) },
          update: {},
          select: { id: true },
        });
        await tx.$queryRaw`SELECT 1 FROM cart."Cart" WHERE id = ${cartId}::uuid FOR UPDATE`;
        const event = await change(tx, cartId, now);
        const { version } = await tx.cart.update({
          where: { id: cartId },
          data: { version: { increment: 1 }, updatedAt: now, expiresAt: this.expiresAt(owner, now) },
          select: { version: true },
        });
        await tx.cartEvent.create({ data: { ...event, cartId, version, ...owner, at: now } });
        return (await findCartByOwner(tx as PrismaClient, owner))!;
      });
    } catch (error) {
      if (error instanceof Rollback) return error.result;
      throw error;
    }
  }

  /** Adds a product (with options) to the cart, or to the quantity of its existing line. */
  async addLine(owner: Owner, input: { productId: string; quantity: number; options?: LineOptions | null }): Promise<CartResult> {
    if (!isValidQuantity(input.quantity)) return new InvalidQuantity();
    if (!isUuid(input.productId)) return new ProductNotFound(input.productId);
    const productId = input.productId.toLowerCase();
    const [availability, prices] = await Promise.all([this.deps.catalog.availability([productId]), this.deps.catalog.prices([productId])]);
    const stock = availability.get(productId);
    const price = prices.get(productId);
    if (!stock?.exists || !price) return new ProductNotFound(productId);
    const key = optionsKey(input.options);

    return this.mutate(owner, async (tx, cartId, now) => {
      const existing = await tx.cartLine.findUnique({ where: { cartId_savedForLater_productId_optionsKey: { cartId, savedForLater: false, productId, optionsKey: key } } });
      const quantity = (existing?.quantity ?? 0) + input.quantity;
      if (quantity > MAX_QUANTITY) throw new Rollback(new InvalidQuantity(`A line holds at most ${MAX_QUANTITY}; this one already has ${existing?.quantity ?? 0}.`));
      if (stock.availableQuantity < quantity) throw new Rollback(new InsufficientStock(stock.availableQuantity));
      const line = existing
        ? await tx.cartLine.update({ where: { id: existing.id }, data: { quantity, updatedAt: now } })
        : await tx.cartLine.create({
            data: { cartId, productId, optionsKey: key, options: input.options ?? undefined, quantity, unitPrice: price.amount, currencyCode: price.currencyCode, addedAt: now, updatedAt: now },
          });
      return { type: existing ? 'LINE_UPDATED' : 'LINE_ADDED', lineId: line.id, productId, quantity };
    });
  }
}
