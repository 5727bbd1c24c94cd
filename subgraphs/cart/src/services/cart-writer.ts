/**
 * The one way a cart changes. In a single Postgres transaction: create the cart on first write,
 * lock its row (so concurrent writes serialise and none is lost), replay an idempotency key,
 * check `expectedVersion`, apply the change, bump `version`, append the event (outbox) and store
 * the idempotent result. After commit: invalidate the cache, then publish the event. An expected
 * failure rolls everything back and returns the typed outcome.
 */
import type { CartEvent, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { CartCache } from '../cache/cart-cache.ts';
import { findCartByOwner, lockCart, type CartView, type Owner } from '../data/carts.ts';
import { VersionConflict, type CartUserError } from './errors.ts';
import type { EventPublisher } from './events.ts';
import { checkKey, findReplay, fingerprint, storeResult, type StoredResult } from './idempotency.ts';

export type CartResult = CartView | CartUserError;

/** Thrown inside a change to roll the transaction back and answer with an expected outcome. */
export class Rollback extends Error {
  constructor(readonly result: CartUserError) {
    super(result.message);
  }
}

export type EventData = Omit<Prisma.CartEventUncheckedCreateInput, 'cartId' | 'version' | 'ownerType' | 'ownerId' | 'at'>;

export interface ChangeContext {
  tx: Prisma.TransactionClient;
  cartId: string;
  /** The locked cart as it was before this change. */
  cart: CartView;
  now: Date;
}

/** A change returns the event it made, or `null` when it left the cart as it was (no new version). */
export type Change = (ctx: ChangeContext) => Promise<EventData | null>;

export interface WriteOptions {
  operation: string;
  /** The mutation's input, fingerprinted for idempotency. */
  input: object;
  idempotencyKey?: string | null;
  expectedVersion?: number | null;
}

export interface CartWriterDeps {
  prisma: PrismaClient;
  cache: CartCache;
  events: EventPublisher;
  now: () => Date;
  expiresAt: (owner: Owner, from: Date) => Date;
}

export class CartWriter {
  /** Per-owner queue of this process's writes (see `write`). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: CartWriterDeps) {}

  /**
   * Runs `change` on the owner's cart as described above. Writes to one cart from this process
   * queue here first, so a burst on one cart waits in memory instead of holding a pooled
   * connection each while blocked on the row lock; the row lock still orders writes across
   * processes.
   */
  write(owner: Owner, options: WriteOptions, change: Change): Promise<CartResult> {
    const key = `${owner.ownerType}:${owner.ownerId}`;
    const run = (this.queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => this.writeNow(owner, options, change));
    this.queues.set(key, run);
    void run.finally(() => {
      if (this.queues.get(key) === run) this.queues.delete(key);
    }).catch(() => undefined);
    return run;
  }

  private async writeNow(owner: Owner, options: WriteOptions, change: Change): Promise<CartResult> {
    const key = checkKey(options.idempotencyKey);
    const print = key ? fingerprint(options.operation, options.input) : '';
    const { prisma, now: clock } = this.deps;
    let committed: CartEvent | null = null;
    try {
      const result = await prisma.$transaction(async (tx) => {
        const now = clock();
        const cartId = await lockCart(tx, owner, now, this.deps.expiresAt(owner, now));
        if (key) {
          const replay = await findReplay(tx, owner, key, print, now);
          if (replay.replay) return replay.result as CartResult;
        }
        const cart = (await findCartByOwner(tx, owner))!;
        if (options.expectedVersion != null && options.expectedVersion !== cart.version) throw new Rollback(new VersionConflict(cart.version));
        const event = await change({ tx, cartId, cart, now });
        let after = cart;
        if (event) {
          const { version } = await tx.cart.update({
            where: { id: cartId },
            data: { version: { increment: 1 }, updatedAt: now, expiresAt: this.deps.expiresAt(owner, now) },
            select: { version: true },
          });
          committed = await tx.cartEvent.create({ data: { ...event, cartId, version, ...owner, at: now } });
          after = (await findCartByOwner(tx, owner))!;
        }
        if (key) await storeResult(tx, owner, key, options.operation, print, { kind: 'cart', cart: after }, now);
        return after;
      }, { maxWait: 5_000, timeout: 10_000 });
      if (committed) await this.afterCommit(owner, [committed]);
      return result;
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
      if (key) await this.storeOutcome(owner, key, options.operation, print, { kind: 'error', error: { ...error.result } });
      return error.result;
    }
  }

  /** Invalidate before answering (read-your-writes), then publish the outbox rows. */
  async afterCommit(owner: Owner, events: CartEvent[]): Promise<void> {
    const version = events.length ? Math.max(...events.map((e) => e.version)) : undefined;
    await this.deps.cache.invalidate(owner, version);
    if (events.length) await this.deps.events.publish(events);
  }

  /** Records an expected failure for a key, so a replay answers the same. */
  async storeOutcome(owner: Owner, key: string, operation: string, print: string, result: StoredResult): Promise<void> {
    await this.deps.prisma.$transaction((tx) => storeResult(tx, owner, key, operation, print, result, this.deps.now()));
  }
}
