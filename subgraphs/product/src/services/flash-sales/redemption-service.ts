/**
 * The pool's side of `checkoutFlashSale` (called by the order subgraph's saga): redeeming a
 * purchase token, then consuming, releasing or (after a cancellation) restocking what it
 * redeemed. Each call is one transaction holding the sale row and the ticket, idempotent per
 * checkout key; the pool's counters are what enforce "exactly N sold".
 */
import { findSales, lockSaleWithTicket, updateTicketAndPool } from '../../data/flash-sales.ts';
import { findTicketByCheckoutKey, lockTicket, type TicketRow } from '../../data/flash-tickets.ts';
import type { FlashKeyOutcome, RedeemOutcome } from '../../contract/flash-sales.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { RequestContext } from '../../request-context.ts';
import { PoolTx, type PoolEffects, type PoolOutcome } from './pool.ts';
import { ticketIdOf, tokenMatches } from './tokens.ts';

export interface RedemptionDeps {
  prisma: PrismaClient;
  effects: PoolEffects;
  secret: string;
  /** How long a redeeming checkout may hold its units (RESERVATION_TTL_SECONDS). */
  holdSeconds: number;
  transactionWaitMs: number;
}

const invalid: RedeemOutcome = { ok: false, reason: 'TOKEN_INVALID', limit: null };

type Step<T> = (pool: PoolTx, ticket: TicketRow) => T;

export class FlashRedemptionService {
  constructor(private readonly deps: RedemptionDeps) {}

  /**
   * Moves an admitted ticket's held units to the checkout `checkoutKey`, for `quantity` of them
   * at the sale price. Refused (with nothing changed) for a token that is not this user's valid,
   * unused token for this sale, after the sale ended, or above what the ticket holds. Repeating
   * it for the same checkout returns the first answer.
   */
  async redeem(ctx: RequestContext, input: { saleId: string; userId: string; purchaseToken: string; quantity: number; checkoutKey: string }): Promise<RedeemOutcome> {
    const ticketId = ticketIdOf(input.purchaseToken);
    if (!ticketId) return invalid;
    const now = ctx.clock();
    // Redeeming moves no pool counter (the units stay held, by a REDEEMING ticket now), so only the
    // ticket is locked: purchases do not queue on the sale's row for it. A sale ending meanwhile
    // waits for this ticket and then leaves it to its checkout.
    return this.deps.prisma.$transaction(
      async (tx): Promise<RedeemOutcome> => {
        const ticket = await lockTicket(tx, ticketId);
        if (!ticket || ticket.saleId !== input.saleId) return invalid;
        const [sale] = await findSales(tx, [ticket.saleId]);
        const owned = sale && ticket.userId === input.userId && ticket.admittedAt !== null && tokenMatches(this.deps.secret, input.purchaseToken, { ...ticket, admittedAt: ticket.admittedAt });
        if (!sale || !owned) return invalid;
        const accepted: RedeemOutcome = { ok: true, productId: sale.productId, quantity: ticket.quantity ?? input.quantity, unitPrice: sale.price, currencyCode: sale.currencyCode };
        if (ticket.checkoutKey === input.checkoutKey && (ticket.status === 'REDEEMING' || ticket.status === 'PURCHASED')) return accepted;
        if (sale.endedAt || now >= sale.endsAt) return { ok: false, reason: 'ENDED', limit: null };
        // A lapsed token is refused; the job gives its units to the next shopper within a tick.
        if (ticket.status !== 'ADMITTED' || (ticket.tokenExpiresAt !== null && ticket.tokenExpiresAt <= now)) return invalid;
        if (input.quantity > ticket.units) return { ok: false, reason: 'LIMIT_EXCEEDED', limit: ticket.units };
        const redeemExpiresAt = new Date(now.getTime() + this.deps.holdSeconds * 1000);
        await updateTicketAndPool(tx, sale.id, {}, ticket.id, { status: 'REDEEMING', units: ticket.units, checkoutKey: input.checkoutKey, quantity: input.quantity, redeemExpiresAt });
        return { ...accepted, quantity: input.quantity };
      },
      { maxWait: this.deps.transactionWaitMs, timeout: 15_000 },
    );
  }

  /**
   * The checkout was paid: its units are sold and what the ticket held beyond them goes back.
   * A hold that lapsed meanwhile is taken again from free units if there are enough; otherwise
   * `ok: false` (the saga then cancels its order). Selling the last unit closes the sale.
   */
  consume(ctx: RequestContext, { checkoutKey }: { checkoutKey: string }): Promise<FlashKeyOutcome> {
    return this.byKey(checkoutKey, ctx.clock(), (pool, ticket) => {
      const q = ticket.quantity ?? 0;
      if (ticket.status === 'PURCHASED') return { ok: true, status: 'PURCHASED' };
      if (ticket.status === 'REDEEMING') {
        pool.sale.held -= ticket.units;
        pool.countSold(q);
        pool.free(ticket.units - q);
      } else if (ticket.status === 'EXPIRED' && !pool.sale.endedAt && !pool.sale.soldOutAt && pool.sale.available >= q) {
        pool.sale.available -= q;
        pool.countSold(q);
      } else return { ok: false, status: ticket.status };
      pool.setTicket(ticket, { status: 'PURCHASED', units: 0 });
      pool.ticketChanged(ticket, 'PURCHASED');
      pool.closeIfSoldOut();
      return { ok: true, status: 'PURCHASED' };
    });
  }

  /**
   * The checkout failed before a payment stood: its units leave it. With `final` (a declined
   * payment), or once the token lapsed or the sale ended, they go to the next shopper and the
   * token is spent; otherwise the ticket holds them again and its token stands until it lapses.
   */
  release(ctx: RequestContext, { checkoutKey, final }: { checkoutKey: string; final: boolean }): Promise<FlashKeyOutcome> {
    const now = ctx.clock();
    return this.byKey(checkoutKey, now, (pool, ticket) => {
      if (ticket.status === 'PURCHASED') return { ok: false, status: 'PURCHASED' };
      if (ticket.status !== 'REDEEMING') return { ok: true, status: ticket.status };
      if (!final && !pool.isEnded && ticket.tokenExpiresAt !== null && ticket.tokenExpiresAt > now) {
        // The units stay held: by the ticket again, until its token lapses.
        pool.setTicket(ticket, { status: 'ADMITTED', units: ticket.units, checkoutKey: null, quantity: null, redeemExpiresAt: null });
        pool.ticketChanged(ticket, 'ADMITTED');
        return { ok: true, status: 'ADMITTED' };
      }
      pool.release(ticket);
      pool.setTicket(ticket, { status: 'EXPIRED', units: 0 });
      pool.ticketChanged(ticket, 'EXPIRED');
      pool.countExpired(1);
      return { ok: true, status: 'EXPIRED' };
    }, { ok: true, status: 'NOT_FOUND' });
  }

  /** The sale's order was cancelled: its units come back (to the pool while the sale runs, else to sellable stock). */
  restock(ctx: RequestContext, { checkoutKey }: { checkoutKey: string }): Promise<FlashKeyOutcome> {
    return this.byKey(checkoutKey, ctx.clock(), (pool, ticket) => {
      if (ticket.status === 'EXPIRED') return { ok: true, status: 'EXPIRED' };
      if (ticket.status !== 'PURCHASED') return { ok: false, status: ticket.status };
      const q = ticket.quantity ?? 0;
      pool.sale.sold -= q;
      pool.free(q);
      pool.setTicket(ticket, { status: 'EXPIRED', units: 0 });
      pool.ticketChanged(ticket, 'EXPIRED');
      return { ok: true, status: 'EXPIRED' };
    });
  }

  /** Runs `step` on the ticket a checkout key redeemed; `missing` when there is none. */
  private async byKey(checkoutKey: string, now: Date, step: Step<FlashKeyOutcome>, missing: FlashKeyOutcome = { ok: false, status: 'NOT_FOUND' }): Promise<FlashKeyOutcome> {
    const found = await findTicketByCheckoutKey(this.deps.prisma, checkoutKey);
    if (!found) return missing;
    return this.withTicket(found.saleId, found.id, now, missing, (pool, ticket) => (ticket.checkoutKey === checkoutKey ? step(pool, ticket) : missing));
  }

  /** One pool transaction: the sale row, then the ticket, locked; effects applied after commit. */
  private async withTicket<T>(saleId: string, ticketId: string, now: Date, missing: T, step: Step<T>): Promise<T> {
    const done = await this.deps.prisma.$transaction(
      async (tx): Promise<{ result: T; outcome?: PoolOutcome } | undefined> => {
        const locked = await lockSaleWithTicket(tx, saleId, ticketId);
        if (!locked) return undefined;
        const pool = new PoolTx(tx, locked.sale, now);
        const result = step(pool, locked.ticket);
        return { result, outcome: await pool.save() };
      },
      { maxWait: this.deps.transactionWaitMs, timeout: 15_000 },
    );
    if (!done) return missing;
    if (done.outcome) await this.deps.effects.apply(done.outcome, now);
    return done.result;
  }
}
