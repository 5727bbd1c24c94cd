/**
 * The flash-sale queue in Redis, for speed: joining, and reading a place in the queue, cost one
 * Lua script each and no SQL. Postgres holds the record (every ticket, every admission), so this
 * is a mirror that can be lost and rebuilt; nothing here decides how many units are sold.
 *
 * Per sale (hash-tagged so a Redis Cluster keeps a sale's keys on one shard):
 *   seq       INCR counter: the join order, issued inside the same script as the ZADD, so the
 *             order is Redis's arrival order and no client can claim an earlier time
 *   q         ZSET user -> seq of every ticket
 *   frontier  seq of the last admitted ticket; admission follows seq order, so the waiting
 *             tickets are exactly those after it and a place is one ZCOUNT
 *   closed    present once the sale sold out or ended (nobody waits any more)
 *   built     present once the mirror was (re)built from Postgres; a Redis that lost its data
 *             lacks it, and the scripts then answer "not built" instead of inventing an order
 *
 * Every call degrades to `undefined` without Redis (callers fall back to Postgres).
 */
import type { Logger } from '@platform/logger';
import { tryRedis, type Redis } from '@platform/redis';

const key = (saleId: string, part: 'seq' | 'q' | 'frontier' | 'closed' | 'built') => `flash:v1:{${saleId}}:${part}`;
/** The ids of sales not ended, so an idle job finds there is nothing to do without asking Postgres. */
const OPEN_SALES = 'flash:v1:open';
const OPEN_SALES_TTL_SECONDS = 86_400;
const keysOf = (saleId: string) => (['built', 'seq', 'q', 'frontier', 'closed'] as const).map((part) => key(saleId, part));

const SCRIPTS = {
  // KEYS built seq q closed frontier; ARGV user -> {seq, created, place} | {-1} not built | {-2} closed
  flashJoin: {
    keys: 5,
    lua: `
      if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, 0, 0} end
      local have = redis.call('ZSCORE', KEYS[3], ARGV[1])
      if have then return {tonumber(have), 0, 0} end
      if redis.call('EXISTS', KEYS[4]) == 1 then return {-2, 0, 0} end
      local seq = redis.call('INCR', KEYS[2])
      redis.call('ZADD', KEYS[3], seq, ARGV[1])
      -- Keys born here live as long as the mirror does.
      local ttl = redis.call('PTTL', KEYS[1])
      if ttl > 0 and redis.call('PTTL', KEYS[3]) == -1 then redis.call('PEXPIRE', KEYS[2], ttl) redis.call('PEXPIRE', KEYS[3], ttl) end
      local frontier = tonumber(redis.call('GET', KEYS[5]) or '0')
      return {seq, 1, redis.call('ZCOUNT', KEYS[3], '(' .. frontier, seq)}`,
  },
  // KEYS built q frontier closed; ARGV user -> {seq, place} (place 0: not waiting, -1: sale closed) | {-1} not built | {-2} no ticket
  flashPlace: {
    keys: 4,
    lua: `
      if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
      local seq = redis.call('ZSCORE', KEYS[2], ARGV[1])
      if not seq then return {-2} end
      seq = tonumber(seq)
      if redis.call('EXISTS', KEYS[4]) == 1 then return {seq, -1} end
      local frontier = tonumber(redis.call('GET', KEYS[3]) or '0')
      if seq <= frontier then return {seq, 0} end
      return {seq, redis.call('ZCOUNT', KEYS[2], '(' .. frontier, seq)}`,
  },
  // KEYS built q frontier closed -> waiting tickets, or -1 when not built
  flashWaiting: {
    keys: 4,
    lua: `
      if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
      if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
      local frontier = tonumber(redis.call('GET', KEYS[3]) or '0')
      return redis.call('ZCOUNT', KEYS[2], '(' .. frontier, '+inf')`,
  },
  // KEYS seq q frontier; ARGV user seq frontier -> records a ticket Postgres issued (or confirmed), never lowering the counter or frontier
  flashRecord: {
    keys: 3,
    lua: `
      if ARGV[1] ~= '' then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1]) end
      local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
      if tonumber(ARGV[2]) > seq then redis.call('SET', KEYS[1], ARGV[2]) end
      local frontier = tonumber(redis.call('GET', KEYS[3]) or '0')
      if tonumber(ARGV[3]) > frontier then redis.call('SET', KEYS[3], ARGV[3]) end
      return 1`,
  },
  // KEYS q; ARGV user seq -> drops a ticket Postgres refused, only if it still has that seq
  flashForget: {
    keys: 1,
    lua: `
      local have = redis.call('ZSCORE', KEYS[1], ARGV[1])
      if have and tonumber(have) == tonumber(ARGV[2]) then redis.call('ZREM', KEYS[1], ARGV[1]) return 1 end
      return 0`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;

/** Tries of the join script when its reply times out. */
const JOIN_ATTEMPTS = 3;
const isTimeout = (error: unknown) => error instanceof Error && /timed? ?out/i.test(error.message);
type Scripted = Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;

/** What a join got from Redis; a new place comes with its 1-based position among waiting tickets. */
export type QueueJoin = { seq: number; created: false } | { seq: number; created: true; place: number } | { notBuilt: true } | { closed: true };
/** A place read from Redis: WAITING at `place`, not waiting any more, or no answer Redis can give. */
export type QueuePlace = { seq: number; place: number } | { seq: number; waiting: false } | { closed: true } | { notBuilt: true } | { missing: true };

export interface SaleMirror {
  saleId: string;
  tickets: readonly { userId: string; seq: number }[];
  maxSeq: number;
  frontier: number;
  closed: boolean;
  /** Keys live until then (the sale's end plus a margin). */
  expiresAt: Date;
}

export type FlashQueue = ReturnType<typeof createFlashQueue>;

/** The queue on a Redis connection; every method answers `undefined` while Redis is unavailable. */
export function createFlashQueue(redis: Redis, logger: Logger) {
  for (const [name, { keys, lua }] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: keys, lua });
  }
  const scripted = redis as unknown as Scripted;
  const run = <T>(operation: string, fn: () => Promise<T>) => tryRedis(redis, logger, operation, fn, undefined);

  return {
    /**
     * Issues the join order of `userId` (or returns the one it has). The script is idempotent
     * per user, so a reply that timed out (the script may have run) is asked for again rather
     * than given up on: otherwise Redis would keep a place Postgres never heard of.
     */
    join: (saleId: string, userId: string) =>
      run('flash-join', async (): Promise<QueueJoin> => {
        const call = () => scripted.flashJoin(key(saleId, 'built'), key(saleId, 'seq'), key(saleId, 'q'), key(saleId, 'closed'), key(saleId, 'frontier'), userId) as Promise<[number, number, number]>;
        let reply: [number, number, number] | undefined;
        for (let attempt = 1; !reply; attempt++) {
          try {
            reply = await call();
          } catch (error) {
            if (attempt >= JOIN_ATTEMPTS || !isTimeout(error)) throw error;
          }
        }
        const [seq, created, place] = reply;
        if (seq === -1) return { notBuilt: true };
        if (seq === -2) return { closed: true };
        return created === 1 ? { seq, created: true, place } : { seq, created: false };
      }),

    /** The user's place among waiting tickets, exact at the moment of the read. */
    place: (saleId: string, userId: string) =>
      run('flash-place', async (): Promise<QueuePlace> => {
        const [seq, place] = (await scripted.flashPlace(key(saleId, 'built'), key(saleId, 'q'), key(saleId, 'frontier'), key(saleId, 'closed'), userId)) as [number, number?];
        if (seq === -1) return { notBuilt: true };
        if (seq === -2) return { missing: true };
        if (place === -1) return { closed: true };
        return place === 0 ? { seq, waiting: false } : { seq, place: place! };
      }),

    /** How many tickets wait; `null` when the mirror is not built. */
    waiting: (saleId: string) =>
      run('flash-waiting', async () => {
        const count = Number(await scripted.flashWaiting(key(saleId, 'built'), key(saleId, 'q'), key(saleId, 'frontier'), key(saleId, 'closed')));
        return count < 0 ? null : count;
      }),

    /** Records a ticket whose order Postgres issued or holds (`userId` empty: only the counter and frontier). */
    record: (saleId: string, entry: { userId?: string; seq: number; frontier?: number }) =>
      run('flash-record', () => scripted.flashRecord(key(saleId, 'seq'), key(saleId, 'q'), key(saleId, 'frontier'), entry.userId ?? '', entry.seq, entry.frontier ?? 0).then(() => true)),

    /** Moves the frontier after admissions committed (never backwards). */
    advance: (saleId: string, frontier: number) =>
      run('flash-advance', () => scripted.flashRecord(key(saleId, 'seq'), key(saleId, 'q'), key(saleId, 'frontier'), '', 0, frontier).then(() => true)),

    /** Drops a join Postgres did not record. */
    forget: (saleId: string, userId: string, seq: number) => run('flash-forget', () => scripted.flashForget(key(saleId, 'q'), userId, seq).then(() => true)),

    /** Marks the sale closed: nobody waits any more. */
    close: (saleId: string, expiresAt: Date) => run('flash-close', () => redis.set(key(saleId, 'closed'), '1', 'PXAT', Math.max(expiresAt.getTime(), Date.now() + 1_000)).then(() => true)),

    /** Keeps every key of the mirror until `expiresAt` (keys created after a build have no TTL yet). */
    touch: (saleId: string, expiresAt: Date) =>
      run('flash-touch', async () => {
        const pipeline = redis.pipeline();
        for (const k of keysOf(saleId)) pipeline.pexpireat(k, Math.max(expiresAt.getTime(), Date.now() + 60_000));
        await pipeline.exec();
        return true;
      }),

    /** Sales not ended, as far as Redis knows; `undefined` without Redis. */
    openSales: () => run('flash-open-sales', () => redis.smembers(OPEN_SALES)),

    /** Records sales as open (the job's discovery from Postgres, or a sale just created). */
    markOpen: (saleIds: readonly string[]) =>
      run('flash-mark-open', async () => {
        const pipeline = redis.pipeline();
        if (saleIds.length) pipeline.sadd(OPEN_SALES, ...saleIds);
        pipeline.expire(OPEN_SALES, OPEN_SALES_TTL_SECONDS);
        await pipeline.exec();
        return true;
      }),

    /** Forgets an ended sale. */
    markEnded: (saleId: string) => run('flash-mark-ended', () => redis.srem(OPEN_SALES, saleId).then(() => true)),

    /** True when the mirror exists; `undefined` without Redis. */
    isBuilt: (saleId: string) => run('flash-built', async () => (await redis.exists(key(saleId, 'built'))) === 1),

    /** How many tickets the mirror holds. */
    size: (saleId: string) => run('flash-size', () => redis.zcard(key(saleId, 'q'))),

    /**
     * (Re)builds the mirror from Postgres, merging into what is there: joins that Redis took
     * meanwhile stay, entries Postgres never recorded (at or below its highest seq) go, the
     * counter and frontier never move back. Marked built last.
     */
    rebuild: (mirror: SaleMirror) =>
      run('flash-rebuild', async () => {
        const { saleId } = mirror;
        const pxat = Math.max(mirror.expiresAt.getTime(), Date.now() + 60_000);
        for (let i = 0; i < mirror.tickets.length; i += 1_000) {
          const chunk = mirror.tickets.slice(i, i + 1_000);
          await redis.zadd(key(saleId, 'q'), ...chunk.flatMap((t) => [t.seq, t.userId]));
        }
        const recorded = new Set(mirror.tickets.map((t) => t.userId));
        const present = await redis.zrangebyscore(key(saleId, 'q'), '-inf', mirror.maxSeq);
        const strays = present.filter((userId) => !recorded.has(userId));
        if (strays.length) await redis.zrem(key(saleId, 'q'), ...strays);
        await scripted.flashRecord(key(saleId, 'seq'), key(saleId, 'q'), key(saleId, 'frontier'), '', mirror.maxSeq, mirror.frontier);
        if (mirror.closed) await redis.set(key(saleId, 'closed'), '1');
        const pipeline = redis.pipeline();
        pipeline.set(key(saleId, 'built'), '1');
        for (const k of keysOf(saleId)) pipeline.pexpireat(k, pxat);
        await pipeline.exec();
        return { strays: strays.length };
      }),
  };
}
