/**
 * The shopper's side of a flash sale: joining its queue and reading one's ticket. Joining takes
 * its place from Redis (one script: the order is Redis's arrival order) and is acknowledged only
 * once Postgres has the ticket, so a Redis restart loses none; while Redis is away, Postgres
 * issues the order itself. A waiting ticket is read from Redis alone; any other from Postgres.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode, isUuid, unauthenticated } from '@platform/errors';
import type { TokenBucket } from '@platform/redis';
import type { FlashQueue } from '../../cache/flash-queue.ts';
import type { SaleCache } from '../../cache/flash-sales.ts';
import { findSales, type SaleRow } from '../../data/flash-sales.ts';
import { findTicket, insertTicket, SeqTaken, waitingUpTo, type TicketRow } from '../../data/flash-tickets.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { RequestContext } from '../../request-context.ts';
import { FlashSaleEnded, FlashSaleNotOpen, FlashSaleSoldOut, saleNotFound, type JoinUserError } from '../errors.ts';
import type { FlashSaleEvents } from './events.ts';
import type { FlashSaleMetrics } from './metrics.ts';
import { estimatedWaitSeconds, isClosed, publicStatus, unsold, type PublicTicketStatus } from './rules.ts';
import { purchaseTokenOf } from './tokens.ts';

/** A ticket as its owner sees it. */
export interface TicketView {
  sale: SaleRow;
  status: PublicTicketStatus;
  position: number;
  estimatedWaitSeconds: number;
  purchaseToken: string | null;
  purchaseTokenExpiresAt: Date | null;
}

export interface QueueDeps {
  prisma: PrismaClient;
  queue: FlashQueue;
  sales: SaleCache;
  events: FlashSaleEvents;
  metrics: FlashSaleMetrics;
  /** Signs purchase tokens (INTERNAL_SECRET). */
  secret: string;
  /** Joins per user, and for everyone together. */
  joinLimits: { perUser: TokenBucket; global: TokenBucket };
}

/** Tries of a Postgres-issued place that collides with one Redis issued meanwhile. */
const SEQ_ATTEMPTS = 5;

// Not `publicError`, which also sets HTTP 429: from a subgraph that status would reach the
// gateway as a failed fetch (masked), while a field error carries its code through.
const rateLimited = (retryAfterSeconds: number) => new GraphQLError('Too many attempts to join; try again shortly.', { extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds } });

function requireShopper(ctx: RequestContext): string {
  if (ctx.identity.kind !== 'user') throw unauthenticated('Sign in to join a flash sale.');
  return ctx.identity.userId;
}

export class FlashQueueService {
  constructor(private readonly deps: QueueDeps) {}

  /**
   * Joins the caller's queue for a sale: one ticket per user, and joining again returns it
   * (whatever the sale's state). A new ticket needs the queue open and units left.
   */
  async join(ctx: RequestContext, saleId: string): Promise<TicketView | JoinUserError> {
    const userId = requireShopper(ctx);
    if (!isUuid(saleId)) throw saleNotFound('saleId');
    await this.limit(userId);
    const id = saleId.toLowerCase();
    const [cached] = await this.deps.sales.load([id]);
    if (!cached) throw saleNotFound('saleId');
    const now = ctx.clock();
    if (now < cached.queueOpensAt) return new FlashSaleNotOpen(cached.queueOpensAt);
    if (isClosed(cached, now) || unsold(cached) === 0) return this.existingOr(ctx, cached, userId);

    const joined = await this.deps.queue.join(id, userId);
    if (joined && 'closed' in joined) return this.existingOr(ctx, cached, userId);
    if (joined && 'seq' in joined) {
      try {
        const result = await insertTicket(this.deps.prisma, { saleId: id, userId, seq: joined.seq, now });
        if ('created' in result) return this.created(ctx, cached, result.created, joined.created ? joined.place : undefined);
        if ('existing' in result) {
          // Postgres had this user's ticket under another place (issued while Redis was away): Redis takes that one.
          const row = await findTicket(this.deps.prisma, id, userId);
          if (row && row.seq !== joined.seq) await this.deps.queue.record(id, { userId, seq: row.seq });
          return row ? this.view(cached, row, now) : this.existingOr(ctx, cached, userId);
        }
        // The sale closed between the checks and the insert: Redis keeps no place for it.
        await this.deps.queue.forget(id, userId, joined.seq);
        return this.existingOr(ctx, await this.fresh(id), userId);
      } catch (error) {
        // Another replica, cut off from Redis, issued the same place; Postgres issues ours then.
        if (!(error instanceof SeqTaken)) throw error;
        await this.deps.queue.forget(id, userId, joined.seq);
      }
    }
    return this.joinWithoutRedis(ctx, cached, userId);
  }

  /** The caller's ticket for a sale; null before joining. */
  async ticket(ctx: RequestContext, saleId: string): Promise<TicketView | null> {
    const userId = requireShopper(ctx);
    if (!isUuid(saleId)) return null;
    const id = saleId.toLowerCase();
    const [sale] = await this.deps.sales.load([id]);
    if (!sale) return null;
    const now = ctx.clock();
    const place = await this.deps.queue.place(id, userId);
    if (place && 'place' in place && !isClosed(sale, now)) return this.waiting(sale, place.place, now);
    const row = await findTicket(this.deps.prisma, id, userId);
    return row ? this.view(sale, row, now) : null;
  }

  private async limit(userId: string): Promise<void> {
    const { perUser, global } = this.deps.joinLimits;
    const mine = await perUser.take(userId);
    if (!mine.ok) throw rateLimited(mine.retryAfterSeconds);
    const everyone = await global.take('all');
    if (!everyone.ok) throw rateLimited(everyone.retryAfterSeconds);
  }

  /** The user's ticket if they have one, else the reason the sale takes no new one. */
  private async existingOr(ctx: RequestContext, sale: SaleRow, userId: string): Promise<TicketView | JoinUserError> {
    const now = ctx.clock();
    const row = await findTicket(this.deps.prisma, sale.id, userId);
    if (row) return this.view(sale, row, now);
    if (sale.endedAt || now >= sale.endsAt) return new FlashSaleEnded();
    if (sale.soldOutAt || unsold(sale) === 0) return new FlashSaleSoldOut();
    // The cached row was out of date: ask Postgres what stopped the join.
    const current = await this.fresh(sale.id);
    if (current.endedAt || now >= current.endsAt) return new FlashSaleEnded();
    return new FlashSaleSoldOut();
  }

  /** Redis is away (or lost the queue): Postgres issues the place (a place it issues but does not use is only a gap). */
  private async joinWithoutRedis(ctx: RequestContext, sale: SaleRow, userId: string): Promise<TicketView | JoinUserError> {
    const now = ctx.clock();
    const { prisma } = this.deps;
    const insert = () => insertTicket(prisma, { saleId: sale.id, userId, seq: 'next', now });
    let result: Awaited<ReturnType<typeof insert>> | undefined;
    // Redis may still be issuing places to other joins (slow rather than gone): a place it issued
    // meanwhile wins, and this join takes the next free one.
    for (let attempt = 1; !result; attempt++) {
      try {
        result = await insert();
      } catch (error) {
        if (!(error instanceof SeqTaken) || attempt >= SEQ_ATTEMPTS) throw error;
      }
    }
    if ('created' in result) {
      // If Redis answers now, it learns the place (its counter moves past it).
      await this.deps.queue.record(sale.id, { userId, seq: result.created.seq });
      return this.created(ctx, sale, result.created, undefined);
    }
    return this.existingOr(ctx, 'existing' in result ? sale : await this.fresh(sale.id), userId);
  }

  /** A new ticket; `place` is its position when Redis issued it (counted in the same script). */
  private async created(ctx: RequestContext, sale: SaleRow, row: TicketRow, place: number | undefined): Promise<TicketView> {
    const now = ctx.clock();
    this.deps.metrics.joined(sale.id);
    await this.deps.events.publish([{ kind: 'ticket', saleId: sale.id, userId: row.userId, status: 'WAITING' }], now);
    return place !== undefined && place > 0 ? this.waiting(sale, place, now) : this.view(sale, row, now);
  }

  private waiting(sale: SaleRow, position: number, now: Date): TicketView {
    return { sale, status: 'WAITING', position, estimatedWaitSeconds: estimatedWaitSeconds(position, sale, now), purchaseToken: null, purchaseTokenExpiresAt: null };
  }

  /** A ticket from its Postgres row; a waiting one's place is counted there too. */
  private async view(sale: SaleRow, row: TicketRow, now: Date): Promise<TicketView> {
    const status = publicStatus(row, sale, now);
    if (status === 'WAITING') return this.waiting(sale, await waitingUpTo(this.deps.prisma, sale.id, row.seq), now);
    const admitted = status === 'ADMITTED' && row.admittedAt !== null;
    return {
      sale,
      status,
      position: 0,
      estimatedWaitSeconds: 0,
      purchaseToken: admitted ? purchaseTokenOf(this.deps.secret, { id: row.id, saleId: row.saleId, userId: row.userId, admittedAt: row.admittedAt! }) : null,
      purchaseTokenExpiresAt: admitted ? row.tokenExpiresAt : null,
    };
  }

  private async fresh(id: string): Promise<SaleRow> {
    this.deps.sales.drop(id);
    const [row] = await findSales(this.deps.prisma, [id]);
    if (!row) throw saleNotFound('saleId');
    return row;
  }
}
