/**
 * Background jobs (sweeps, relays). Any number of replicas may run them: `runExclusive` takes a
 * Postgres transaction-scoped advisory lock, so one sweep of a kind runs at a time and the
 * others skip; the lock goes with the transaction, even if the process dies.
 */
import type { Logger } from '@platform/logger';

type RawQuery = (strings: TemplateStringsArray, ...values: unknown[]) => Promise<unknown>;
interface LockingTx {
  $queryRaw: RawQuery;
}
interface TransactionalClient<TX extends LockingTx> {
  $transaction<R>(fn: (tx: TX) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}

/** Stable advisory-lock ids, one per job kind across the whole platform. */
export const LOCKS = {
  cartExpirySweep: 71_001,
  cartOutboxRelay: 71_002,
  cartStreamRelay: 71_003,
  cartAbandonmentScan: 71_004,
  reservationSweep: 72_001,
  productStreamRelay: 72_002,
  pricingStreamRelay: 73_001,
  checkoutRecovery: 74_001,
  orderStreamRelay: 74_002,
  webhookHousekeeping: 74_003,
} as const;

/** Runs `fn` in a transaction holding the advisory lock `lockId`; `{ ran: false }` when another holds it. */
export async function runExclusive<TX extends LockingTx, T>(client: TransactionalClient<TX>, lockId: number, fn: (tx: TX) => Promise<T>, timeoutMs = 60_000): Promise<{ ran: true; result: T } | { ran: false }> {
  return client.$transaction(
    async (tx) => {
      const rows = (await tx.$queryRaw`SELECT pg_try_advisory_xact_lock(${lockId}::bigint) AS locked`) as { locked: boolean }[];
      if (!rows[0]?.locked) return { ran: false } as const;
      return { ran: true, result: await fn(tx) } as const;
    },
    { maxWait: 5_000, timeout: timeoutMs },
  );
}

export interface ScheduledJob {
  /** Runs the job now (also used by tests); errors are logged, not thrown. */
  runNow(): Promise<void>;
  stop(): void;
  /** Resolves once a run in progress (if any) has finished. */
  idle(): Promise<void>;
}

/** Runs `job` every `intervalMs` without keeping the process alive; a run never overlaps the previous one. */
export function schedule(name: string, intervalMs: number, job: () => Promise<unknown>, logger: Logger): ScheduledJob {
  let running: Promise<void> | undefined;
  const runNow = () => {
    running ??= job()
      .then(() => undefined)
      .catch((error: unknown) => logger.warn({ err: error, job: name }, 'background job failed; will retry'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = intervalMs > 0 ? setInterval(() => void runNow(), intervalMs) : undefined;
  timer?.unref();
  return { runNow, stop: () => timer && clearInterval(timer), idle: () => running ?? Promise.resolve() };
}
