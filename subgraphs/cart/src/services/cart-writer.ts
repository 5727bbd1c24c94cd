/**
 * The one way a cart changes, merge included. In a single Postgres transaction: create the cart
 * on first write and lock its row (and, for a merge, the row of the cart it absorbs, the two in a
 * fixed order), replay an idempotency key, check `expectedVersion`, apply the change, bump
 * `version`, append the event (outbox) and store the idempotent result. After commit:
 * invalidate the cache, then publish. An expected failure rolls everything back and returns the
 * typed outcome (stored under the key too, so a replay answers the same).
 */
import type { Sql, SqlExecutor } from '@platform/server';
import type { TagStore } from '@platform/redis';
import type { CartCache } from '../cache/cart-cache.ts';
import { cartTag } from '../cache/tags.ts';
import { findCartById, findCartByOwner, lockAndReadCart, lockExistingCart, type CartView, type Owner } from '../data/carts.ts';
import type { CartEvent, EventData } from '../data/outbox.ts';
import { recordChange } from '../data/stream-outbox.ts';
import type { RequestContext } from '../request-context.ts';
import { expiryOf, type CartLifetimes } from './cart-rules.ts';
import { VersionConflict, type CartUserError } from './errors.ts';
import type { EventPublisher } from './event-publisher.ts';
import { cartStreamEvent } from './stream-events.ts';
import { checkKey, findReplay, fingerprint, ownerKey, storeResult, type StoredResult } from './idempotency.ts';

export type { EventData };

/** Thrown inside a change to roll the transaction back and answer with an expected outcome. */
export class Rollback extends Error {
  constructor(readonly result: CartUserError) {
    super(result.message);
  }
}

export interface ChangeContext {
  /** The change's transaction: plain SQL (`data/carts.ts` has the statements). */
  tx: SqlExecutor;
  cartId: string;
  /** The locked cart as it was before this change. */
  cart: CartView;
  /** The locked cart being absorbed (`WriteRequest.absorbing`), as it was; null when that owner has none. */
  absorbed: CartView | null;
  now: Date;
}

/** What a change did: the event it made (`null` when it left the cart as it was: no new version) and what else the caller wants back. */
export interface Changed<D> {
  event: EventData | null;
  details?: D;
  /** True when the change deleted the absorbed cart (its devices are told after commit). */
  absorbedDeleted?: boolean;
}

export type Change<D> = (ctx: ChangeContext) => Promise<Changed<D>>;

export interface WriteRequest {
  operation: string;
  /** The mutation's input, fingerprinted for idempotency (its `idempotencyKey` is left out). */
  input: object;
  idempotencyKey?: string | null;
  expectedVersion?: number | null;
  /** Another owner's cart to lock with this one and hand to the change (never created): the guest cart a merge empties. */
  absorbing?: Owner;
}

export interface Written<D> {
  cart: CartView;
  details: D | undefined;
}

export interface CartWriterDeps {
  /** The subgraph's SQL pool: every cart write is one transaction on it. */
  db: Sql;
  cache: CartCache;
  events: EventPublisher;
  tags: TagStore;
  lifetimes: CartLifetimes;
}

/**
 * The owner's email for reminders, as their token says now: only when the owner themself is
 * writing (a service acting for them, like checkout, leaves it as it was).
 */
function contactOf(ctx: RequestContext, owner: Owner): { email: string | null } | undefined {
  if (ctx.identity.kind !== 'user' || owner.ownerType !== 'USER' || ctx.identity.userId !== owner.ownerId) return undefined;
  return { email: ctx.identity.email ?? null };
}

export class CartWriter {
  /** Per-owner queue of this process's writes (see `write`). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: CartWriterDeps) {}

  /**
   * Runs `change` on the caller's cart as described above and answers with the cart after it,
   * or the expected failure; never loses a concurrent write. Writes to one cart from this
   * process queue here first, so a burst on one cart waits in memory instead of holding a
   * pooled connection each while blocked on the row lock; the row lock still orders writes
   * across processes.
   */
  write<D = undefined>(ctx: RequestContext, owner: Owner, request: WriteRequest, change: Change<D>): Promise<Written<D> | CartUserError> {
    const key = ownerKey(owner);
    const run = (this.queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => this.writeNow(ctx, owner, request, change));
    this.queues.set(key, run);
    void run
      .finally(() => {
        if (this.queues.get(key) === run) this.queues.delete(key);
      })
      .catch(() => undefined);
    return run;
  }

  private async writeNow<D>(ctx: RequestContext, owner: Owner, request: WriteRequest, change: Change<D>): Promise<Written<D> | CartUserError> {
    const key = checkKey(request.idempotencyKey);
    const print = key ? fingerprint(request.operation, request.input) : '';
    const committed: CartEvent[] = [];
    let absorbedDeleted = false;
    try {
      const result = await this.deps.db.transaction(
        async (tx): Promise<Written<D> | CartUserError> => {
          const now = ctx.clock();
          const locked = await this.lock(tx, owner, request.absorbing, now);
          const cartId = locked.id;
          if (key) {
            const replay = await findReplay(tx, owner, key, print, now);
            if (replay.replay) return 'cart' in replay.result ? { cart: replay.result.cart, details: replay.result.details as D } : replay.result;
          }
          const cart = locked.cart ?? (await findCartById(tx, cartId))!;
          if (request.expectedVersion != null && request.expectedVersion !== cart.version) throw new Rollback(new VersionConflict(cart.version));
          const absorbed = request.absorbing ? await findCartByOwner(tx, request.absorbing) : null;
          const outcome = await change({ tx, cartId, cart, absorbed, now });
          absorbedDeleted = outcome.absorbedDeleted ?? false;
          let after = cart;
          if (outcome.event) {
            const row = { lineId: null, productId: null, quantity: null, payload: null, ...outcome.event, cartId, version: cart.version + 1, ...owner, at: now } as Omit<CartEvent, 'id' | 'publishedAt'>;
            // The new version, the live-sync event and the stream's copy, committed exactly when the
            // change is, and the cart as it now is, all in one statement.
            const recorded = await recordChange(tx, row, cartStreamEvent(row), expiryOf(this.deps.lifetimes, owner, now), contactOf(ctx, owner));
            committed.push(recorded.event);
            after = recorded.cart;
          }
          if (key) await storeResult(tx, owner, key, request.operation, print, { kind: 'cart', cart: after, ...(outcome.details === undefined ? {} : { details: outcome.details }) }, now);
          return { cart: after, details: outcome.details };
        },
      );
      await this.afterCommit(owner, committed, 'cart' in result ? result.cart : undefined);
      if (absorbedDeleted && request.absorbing && 'cart' in result) await this.afterAbsorbed(request.absorbing, result.cart.id);
      return result;
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
      if (key) await this.storeOutcome(ctx, owner, key, request.operation, print, { kind: 'error', error: { ...error.result } });
      return error.result;
    }
  }

  /**
   * Locks the owner's cart (creating it) and the absorbed one (if it exists), in owner-key order so
   * two writers never wait on each other in a cycle. Answers the owner's cart as read with the
   * lock when that read is current (`lockAndReadCart`), else null.
   */
  private async lock(tx: SqlExecutor, owner: Owner, absorbing: Owner | undefined, now: Date): Promise<{ id: string; cart: CartView | null }> {
    if (absorbing && ownerKey(absorbing) < ownerKey(owner)) await lockExistingCart(tx, absorbing);
    const locked = await lockAndReadCart(tx, owner, now, expiryOf(this.deps.lifetimes, owner, now));
    if (absorbing && ownerKey(absorbing) > ownerKey(owner)) await lockExistingCart(tx, absorbing);
    return locked;
  }

  /**
   * Before answering (read-your-writes on every gateway): the cart cache here gets the committed
   * cart, and the cart's cache tag moves for the gateways' response caches. Then publish the
   * outbox rows.
   */
  private async afterCommit(owner: Owner, events: CartEvent[], cart: CartView | undefined): Promise<void> {
    if (events.length === 0) return;
    const version = Math.max(...events.map((e) => e.version));
    const cached = cart?.version === version ? this.deps.cache.refresh(owner, cart) : this.deps.cache.invalidate(owner, version);
    await Promise.all([cached, this.deps.tags.bump([cartTag(owner)])]);
    // Live sync does not hold up the answer: the event is committed in the outbox, and the relay
    // sends whatever this publish does not get out.
    void this.deps.events.publish(events);
  }

  /** The absorbed cart is gone: drop its cache entry and tag, and tell its devices to stop listening. */
  private async afterAbsorbed(absorbed: Owner, intoCartId: string): Promise<void> {
    await Promise.all([this.deps.cache.invalidate(absorbed), this.deps.tags.bump([cartTag(absorbed)])]);
    void this.deps.events.closed({ ...absorbed, reason: 'MERGED', mergedIntoCartId: intoCartId });
  }

  /** Records an expected failure for a key, so a replay answers the same. */
  private async storeOutcome(ctx: RequestContext, owner: Owner, key: string, operation: string, print: string, result: StoredResult): Promise<void> {
    await storeResult(this.deps.db, owner, key, operation, print, result, ctx.clock());
  }
}
