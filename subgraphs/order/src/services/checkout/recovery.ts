/**
 * The recovery sweep: checkouts left mid-saga by a crash (their lease lapsed with nobody
 * resuming them) are finished when they were charged, and compensated otherwise, so no charge
 * stands without an order and no stock or coupon stays held. Any number of replicas may run it:
 * claiming rows takes the advisory lock (one claim at a time) and leases each row to this run.
 */
import { randomUUID } from 'node:crypto';
import { LOCKS, runExclusive } from '@platform/server';
import { leaseStuck, releaseLease } from '../../data/checkouts.ts';
import type { RequestContext } from '../../request-context.ts';
import { CheckoutSaga, type SagaDeps } from './saga.ts';

export interface RecoveryReport {
  /** False when another replica was claiming at the same moment; nothing was done. */
  ran: boolean;
  /** Checkouts finished into an order. */
  completed: number;
  /** Checkouts compensated (stock released, coupons reversed, charges refunded). */
  compensated: number;
  /** Checkouts whose recovery failed this time; they are retried by the next sweep. */
  failed: number;
}

export class CheckoutRecovery {
  constructor(private readonly deps: SagaDeps & { batchSize: number }) {}

  /** Finishes or compensates up to a batch of checkouts whose lease lapsed before the context's clock; never two replicas on one checkout. */
  recover(ctx: RequestContext): Promise<RecoveryReport> {
    return recoverCheckouts(this.deps, ctx);
  }
}

async function recoverCheckouts(deps: SagaDeps & { batchSize: number }, ctx: RequestContext): Promise<RecoveryReport> {
  const now = ctx.clock();
  const batchSize = deps.batchSize;
  const owner = `recovery:${randomUUID()}`;
  const leaseUntil = new Date(now.getTime() + deps.leaseMs);
  const claimed = await runExclusive(deps.prisma, LOCKS.checkoutRecovery, (tx) => leaseStuck(tx, now, batchSize, owner, leaseUntil));
  const report: RecoveryReport = { ran: claimed.ran, completed: 0, compensated: 0, failed: 0 };
  if (!claimed.ran) return report;
  for (const row of claimed.result) {
    try {
      const outcome = await new CheckoutSaga(deps, ctx, row, owner, 'resumed').recover();
      if (outcome?.kind === 'order') report.completed += 1;
      else report.compensated += 1;
      ctx.logger.info({ checkoutId: row.id, from: row.status, outcome: outcome?.kind ?? 'abandoned' }, 'stuck checkout recovered');
    } catch (error) {
      report.failed += 1;
      ctx.logger.warn({ err: error, checkoutId: row.id, status: row.status }, 'checkout recovery failed; the next sweep retries it');
      await releaseLease(deps.pg, row.id, owner, now).catch(() => undefined);
    }
  }
  return report;
}
