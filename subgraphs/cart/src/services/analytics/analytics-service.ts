/**
 * `cartAnalytics` (administrators only): answers from the hourly rollups the analytics consumer
 * keeps (`analytics-consumer.ts`), never from raw events or carts. Each part of the answer is
 * one indexed range query over the window's hours, run only when selected and at most once.
 *
 * The rollups are a report that may be a little stale, so with `CART_READ_DATABASE_URL` every
 * query goes to the replica while it is healthy and within `READ_REPLICA_MAX_LAG_MS` (the
 * primary otherwise, and for any query the replica fails). Nobody reading them wrote them (the
 * consumer does), so there is no one's write to wait for. Carts themselves always read the primary.
 */
import { requireAdmin } from '@platform/auth';
import { badUserInput } from '@platform/errors';
import type { ReadRouter, SqlExecutor } from '@platform/server';
import { addsByHour, cartTotals, durations, productRanks, type ProductRanks, type Window } from '../../data/analytics.ts';
import type { RequestContext } from '../../request-context.ts';

/** The longest window one query may cover. */
export const MAX_WINDOW_DAYS = 366;
const MAX_LIST = 100;

/** The nearest-rank percentile `p` (0..1) of durations given as (seconds, carts) shortest first; null when there are none. */
export function percentile(rows: readonly { seconds: number; carts: number }[], p: number): number | null {
  const total = rows.reduce((n, r) => n + r.carts, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const r of rows) {
    seen += r.carts;
    if (seen >= rank) return r.seconds;
  }
  return rows[rows.length - 1]!.seconds;
}

const checkFirst = (first: number | null | undefined, fallback: number): number => {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > MAX_LIST) throw badUserInput(`\`first\` must be between 0 and ${MAX_LIST}.`, { field: 'first' });
  return n;
};

/** One analytics window; each figure is computed on first use. */
export class AnalyticsWindow {
  private totalsOnce?: Promise<{ cartsCreated: number; cartsCheckedOut: number; abandonmentRate: number }>;
  private timesOnce?: Promise<{ median: number | null; p90: number | null }>;
  private ranksOnce?: Promise<ProductRanks>;

  constructor(
    private readonly db: SqlExecutor,
    readonly window: Window,
  ) {}

  totals() {
    return (this.totalsOnce ??= cartTotals(this.db, this.window).then(({ created, checkedOut }) => ({
      cartsCreated: created,
      cartsCheckedOut: checkedOut,
      abandonmentRate: created > 0 ? Math.max(0, 1 - checkedOut / created) : 0,
    })));
  }

  checkoutTimes() {
    return (this.timesOnce ??= durations(this.db, this.window).then((rows) => ({ median: percentile(rows, 0.5), p90: percentile(rows, 0.9) })));
  }

  /** Both rankings come from one scan, at the longest length a field may ask for. */
  private ranks() {
    return (this.ranksOnce ??= productRanks(this.db, this.window, MAX_LIST));
  }

  async addedNotPurchased(first?: number | null) {
    const n = checkFirst(first, 10);
    const rows = (await this.ranks()).addedNotPurchased.slice(0, n);
    return rows.map((r) => ({ product: { id: r.productId }, added: r.added, purchased: r.purchased, conversionRate: r.purchased / r.added }));
  }

  async mostRemoved(first?: number | null) {
    const n = checkFirst(first, 10);
    const rows = (await this.ranks()).mostRemoved.slice(0, n);
    return rows.map((r) => ({ product: { id: r.productId }, count: r.count }));
  }

  addsByHour() {
    return addsByHour(this.db, this.window);
  }
}

/** SQL that runs each statement where `router` sends a reader with no writes of their own. */
export function staleTolerantSql(router: ReadRouter<SqlExecutor>): SqlExecutor {
  return {
    query: <R extends object = Record<string, unknown>>(text: string, values?: readonly unknown[]) => router.read(null, (db) => db.query<R>(text, values)),
  };
}

export class AnalyticsService {
  private readonly db: SqlExecutor;

  /** `reads`: where rollup queries go (a replica, or the primary); without it, `db`. */
  constructor(deps: { db: SqlExecutor; reads?: ReadRouter<SqlExecutor> | undefined }) {
    this.db = deps.reads ? staleTolerantSql(deps.reads) : deps.db;
  }

  /** The window `[from, to)` for an administrator; BAD_USER_INPUT for an empty, reversed or too long window or a malformed country. */
  window(ctx: RequestContext, args: { from: Date | string; to: Date | string; country?: string | null }): AnalyticsWindow {
    requireAdmin(ctx.identity);
    const from = new Date(args.from);
    const to = new Date(args.to);
    if (!(from.getTime() < to.getTime())) throw badUserInput('`from` must be before `to`.', { field: 'from' });
    if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 86_400_000) throw badUserInput(`A window covers at most ${MAX_WINDOW_DAYS} days.`, { field: 'to' });
    const country = args.country?.trim().toUpperCase() || null;
    if (country !== null && !/^[A-Z]{2}$/.test(country)) throw badUserInput('`country` must be an ISO 3166-1 alpha-2 code such as "SG".', { field: 'country' });
    return new AnalyticsWindow(this.db, { from, to, country });
  }
}
