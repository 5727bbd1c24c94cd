/**
 * Read replicas with read-your-writes. Reads that may be a little stale (order history, the
 * catalog) go to a streaming replica (`<SUBGRAPH>_READ_DATABASE_URL`) when it is fresh enough:
 *
 * - after a user writes, the primary's WAL position (`pg_current_wal_lsn()`, read after the
 *   commit) is recorded for that user, in this process and in Redis (so every instance knows) for
 *   `READ_YOUR_WRITES_WINDOW_MS`; while it is recorded, that user's reads go to the replica only
 *   once the replica has replayed that position (`pg_last_wal_replay_lsn()`), else the primary;
 * - a replica that lags more than `READ_REPLICA_MAX_LAG_MS` behind the primary (its replay paused,
 *   say), was promoted or does not answer takes no reads at all until it is back (checked every
 *   `READ_REPLICA_CHECK_INTERVAL_MS`), so after the window a user still never reads older than that;
 * - a read that fails on the replica is run again on the primary (reads are safe to repeat);
 * - without Redis, a user's mark from another instance cannot be seen, so users read from the
 *   primary (correct, only slower).
 *
 * Checkout, stock and idempotency never come here: they read the primary, always.
 */
import type { Logger } from '@platform/logger';
import { isRedisReady, tryRedis, type Redis } from '@platform/redis';
import { schedule, type ScheduledJob } from './jobs.ts';
import type { Metrics } from './metrics.ts';
import type { SqlExecutor } from './sql.ts';

export interface ReadRoutingSettings {
  READ_YOUR_WRITES_WINDOW_MS: number;
  READ_REPLICA_MAX_LAG_MS: number;
  READ_REPLICA_CHECK_INTERVAL_MS: number;
}

/** A WAL position (`16/B374D848`) as a number that compares. */
export function parseLsn(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  if (!hi || !lo || !/^[0-9A-Fa-f]+$/.test(hi) || !/^[0-9A-Fa-f]+$/.test(lo)) throw new Error(`not an LSN: ${lsn}`);
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

export interface ReplicaState {
  /** Takes reads (answers, replays, within the lag bound). */
  healthy: boolean;
  /** The last WAL position it had replayed when checked (a lower bound of where it is now). */
  replayLsn: bigint | null;
  lagMs: number | null;
  reason?: string;
}

export type ReadTarget = 'primary' | 'replica';

/** What writers need: record that a user just wrote. */
export interface WriteRecorder {
  noteWrite(userId: string): Promise<void>;
}

export interface ReadRouter<C> extends WriteRecorder {
  /**
   * Runs a stale-tolerant read for `userId` (null: no user) where `route` says; a replica failure
   * is retried on the primary. `fn` is told where it runs (callers that fill shared caches need to know).
   */
  read<T>(userId: string | null, fn: (client: C, target: ReadTarget) => Promise<T>): Promise<T>;
  /** Where `userId`'s next read goes. */
  route(userId: string | null): Promise<ReadTarget>;
  /** Checks the replica now (the timer does it every interval). */
  check(): Promise<ReplicaState>;
  state(): ReplicaState;
  /** True when a replica is configured. */
  readonly enabled: boolean;
}

export interface Side<C> {
  client: C;
  sql: SqlExecutor;
}

const markKey = (userId: string) => `ryw:{${userId}}`;

export function createReadRouter<C>(options: {
  primary: Side<C>;
  replica?: Side<C> | undefined;
  redis: Redis;
  logger: Logger;
  settings: ReadRoutingSettings;
  /** Told where each read went (metrics). */
  onRead?: (target: ReadTarget, fallback: boolean) => void;
}): ReadRouter<C> {
  const { primary, replica, redis, logger, settings } = options;
  const marks = new Map<string, { lsn: bigint; until: number }>();
  /** The primary's WAL position at each check, oldest first (a window of twice the lag bound). */
  const samples: { at: number; lsn: bigint }[] = [];
  let state: ReplicaState = { healthy: false, replayLsn: null, lagMs: null, reason: replica ? 'not checked yet' : 'no replica configured' };
  let warned = false;

  const setState = (next: ReplicaState) => {
    if (state.healthy && !next.healthy && !warned) logger.warn({ reason: next.reason }, 'read replica unavailable; reading from the primary');
    if (!state.healthy && next.healthy && warned) logger.info('read replica back; stale-tolerant reads use it again');
    warned = !next.healthy && (warned || state.healthy);
    state = next;
    return next;
  };

  async function check(): Promise<ReplicaState> {
    if (!replica) return state;
    try {
      const [[current], [standby]] = await Promise.all([
        primary.sql.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn'),
        replica.sql.query<{ recovering: boolean; lsn: string | null }>(`SELECT pg_is_in_recovery() AS recovering, pg_last_wal_replay_lsn()::text AS lsn`),
      ]);
      if (!standby?.recovering || !current) return setState({ healthy: false, replayLsn: null, lagMs: null, reason: 'not a standby (promoted?)' });
      const replayLsn = standby.lsn ? parseLsn(standby.lsn) : null;
      const now = Date.now();
      samples.push({ at: now, lsn: parseLsn(current.lsn) });
      while (samples.length > 2 && samples[1]!.at < now - settings.READ_REPLICA_MAX_LAG_MS * 2) samples.shift();
      // Lag: how long ago the primary stood where the replica stands now (the newest sample it has passed).
      // The commit timestamp alone would call an idle primary's housekeeping WAL "lag".
      const passed = replayLsn === null ? undefined : samples.findLast((x) => x.lsn <= replayLsn);
      const lagMs = passed === samples.at(-1) ? 0 : now - (passed ?? samples[0]!).at;
      if (lagMs > settings.READ_REPLICA_MAX_LAG_MS) return setState({ healthy: false, replayLsn, lagMs, reason: `lagging ${Math.round(lagMs)} ms` });
      return setState({ healthy: true, replayLsn, lagMs });
    } catch (error) {
      return setState({ healthy: false, replayLsn: null, lagMs: null, reason: (error as Error).message });
    }
  }

  /** The user's recorded write position, if any: this process first, then Redis; `unknown` when Redis cannot answer. */
  async function markOf(userId: string): Promise<bigint | null | 'unknown'> {
    const local = marks.get(userId);
    if (local && local.until > Date.now()) return local.lsn;
    if (local) marks.delete(userId);
    if (!isRedisReady(redis)) return 'unknown';
    const stored = await tryRedis<string | null | 'unknown'>(redis, logger, 'ryw-get', (r) => r.get(markKey(userId)), 'unknown');
    return stored === 'unknown' ? 'unknown' : stored ? parseLsn(stored) : null;
  }

  async function route(userId: string | null): Promise<ReadTarget> {
    if (!replica || !state.healthy) return 'primary';
    if (userId === null) return 'replica';
    const mark = await markOf(userId);
    if (mark === 'unknown') return 'primary';
    if (mark !== null && (state.replayLsn === null || state.replayLsn < mark)) return 'primary';
    return 'replica';
  }

  return {
    enabled: Boolean(replica),
    async noteWrite(userId) {
      if (!replica) return;
      const [row] = await primary.sql.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      if (!row) return;
      const window = settings.READ_YOUR_WRITES_WINDOW_MS;
      const lsn = parseLsn(row.lsn);
      const previous = marks.get(userId);
      marks.set(userId, { lsn: previous && previous.lsn > lsn ? previous.lsn : lsn, until: Date.now() + window });
      await tryRedis(redis, logger, 'ryw-set', (r) => r.set(markKey(userId), row.lsn, 'PX', window), undefined);
    },
    route,
    async read(userId, fn) {
      const target = await route(userId);
      if (target === 'primary' || !replica) {
        options.onRead?.('primary', false);
        return fn(primary.client, 'primary');
      }
      try {
        const result = await fn(replica.client, 'replica');
        options.onRead?.('replica', false);
        return result;
      } catch (error) {
        logger.warn({ err: { message: (error as Error).message } }, 'read on the replica failed; reading from the primary');
        setState({ ...state, healthy: false, reason: 'a read failed' });
        options.onRead?.('primary', true);
        return fn(primary.client, 'primary');
      }
    },
    check,
    state: () => state,
  };
}

export interface ReplicaReads<C> {
  reads: ReadRouter<C>;
  /** The replica's health check every `READ_REPLICA_CHECK_INTERVAL_MS` (none without a replica). */
  jobs: ScheduledJob[];
  /** Closes the replica's connections (after the jobs stopped). */
  close(): Promise<void>;
}

/**
 * A subgraph's stale-tolerant reads: the router over `primary` and, when `readDatabaseUrl` is set
 * (`<SUBGRAPH>_READ_DATABASE_URL`), the replica `connect` opens; checked once before it takes
 * reads, then by the returned job. `metric` counts reads by where they ran and whether the
 * replica failed first (`target`, `fallback`).
 */
export async function connectReadReplica<C>(options: {
  config: ReadRoutingSettings & { readDatabaseUrl?: string | undefined };
  primary: Side<C>;
  connect: (url: string) => Side<C> & { close(): Promise<void> };
  redis: Redis;
  logger: Logger;
  metrics: Metrics;
  metric: { name: string; help: string };
}): Promise<ReplicaReads<C>> {
  const { config, logger } = options;
  const replica = config.readDatabaseUrl ? options.connect(config.readDatabaseUrl) : undefined;
  const readsTo = options.metrics.counter(options.metric.name, options.metric.help, ['target', 'fallback']);
  const reads = createReadRouter({
    primary: options.primary,
    replica,
    redis: options.redis,
    logger,
    settings: config,
    onRead: (target, fallback) => readsTo.inc({ target, fallback: String(fallback) }),
  });
  if (reads.enabled) await reads.check();
  return {
    reads,
    jobs: reads.enabled ? [schedule('read-replica-check', config.READ_REPLICA_CHECK_INTERVAL_MS, () => reads.check(), logger)] : [],
    close: async () => void (await replica?.close()),
  };
}
