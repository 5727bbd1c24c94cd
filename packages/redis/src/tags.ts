/**
 * Cache tags: one Redis key per thing a cached response may show (`cart:USER:alice`,
 * `price:<productId>`, `rates`, ...), holding a random token that changes whenever that thing
 * changes. Whoever changes it (a mutation, the checkout saga, a job, an admin write) bumps the
 * tag after committing, so invalidation never depends on the write passing through a gateway.
 * A reader notes the tokens *before* it reads the data they guard; a cached response is fresh
 * while every token it noted is still the current one, on every gateway instance.
 *
 * Tokens are random rather than counters, so a tag that expired and comes back can never repeat
 * an old value; tags live far longer than any cached response (`TAG_TTL_SECONDS`). A bump that
 * fails because Redis is down is retried once the connection is back.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '@platform/logger';
import { getMany, isRedisReady, setEach, tryRedis, type Redis } from './index.ts';

export const tagKey = (tag: string): string => `tag:v1:${tag}`;

/** How long a tag outlives its last change; every cached response must expire well before. */
export const TAG_TTL_SECONDS = 86_400;

/** Past this many tags awaiting a bump, the rest is dropped and logged (caches expire by TTL anyway). */
const MAX_PENDING = 50_000;

export interface TagStore {
  /** Marks `tags` changed: every response cached with them becomes stale on every instance. Never throws. */
  bump(tags: Iterable<string>): Promise<void>;
  /** The current token of each tag ('' for a tag never bumped), or `undefined` when Redis cannot answer. Issues its command synchronously. */
  read(tags: readonly string[]): Promise<string[] | undefined>;
}

let sequence = 0;
const newToken = () => `${Date.now().toString(36)}.${(sequence++).toString(36)}.${randomBytes(6).toString('base64url')}`;

export function createTagStore(redis: Redis, logger: Logger): TagStore {
  const pending = new Set<string>();

  const write = (tags: readonly string[]) =>
    tryRedis(
      redis,
      logger,
      'cache-tags.bump',
      (r) => setEach(r, tags, (c, tag) => c.set(tagKey(tag), newToken(), 'EX', TAG_TTL_SECONDS)),
      false,
    );

  redis.on('ready', () => {
    if (pending.size === 0) return;
    const retry = [...pending];
    void write(retry).then((ok) => {
      if (ok) for (const tag of retry) pending.delete(tag);
    });
  });

  return {
    async bump(tags) {
      const list = [...new Set(tags)];
      if (list.length === 0 || (await write(list))) return;
      for (const tag of list) {
        if (pending.size >= MAX_PENDING) {
          logger.warn({ dropped: list.length }, 'too many cache tags waiting for Redis; cached responses may stay stale until they expire');
          return;
        }
        pending.add(tag);
      }
    },
    read(tags) {
      if (tags.length === 0) return Promise.resolve([]);
      if (!isRedisReady(redis)) return Promise.resolve(undefined);
      return getMany(redis, tags.map(tagKey)).then(
        (values) => values.map((v) => v ?? ''),
        (error: Error) => {
          logger.warn({ err: { message: error.message } }, 'could not read cache tags; serving without the response cache');
          return undefined;
        },
      );
    },
  };
}
