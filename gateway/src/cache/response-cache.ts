/**
 * The gateway's response cache: private (an entry is keyed by the caller's identity, never
 * served to anyone else), in memory on each instance, and exactly as fresh as the data. Each
 * entry keeps the cache tags of everything it shows with the tokens they had before that data
 * was read (collected from the subgraphs' answers). A lookup reads the tags' current tokens from
 * Redis (one MGET): any changed token means something it shows changed, through any gateway,
 * the checkout saga, a job or an admin write, and the entry is dropped. Redis down means bypass:
 * no entry is served (and none stored) until it is back, and then every entry is dropped, since
 * changes made meanwhile may not have reached their tags.
 *
 * Stale-if-error: an entry found stale is kept aside (bounded, for `staleIfErrorSeconds`) as that
 * caller's last good answer. When a subgraph does not answer the fresh request, the endpoint may
 * serve it instead, marked `extensions.stale`, rather than a view with a hole in it.
 */
import { LRUCache } from 'lru-cache';
import { Counter, Gauge } from 'prom-client';
import { TAG_TTL_SECONDS, tagKey, type Redis } from '@platform/redis';
import type { Metrics } from '@platform/server';

export interface ResponseCacheSettings {
  maxEntries: number;
  maxBytes: number;
  /** Must stay well under the tags' lifetime (a tag that expired could not be compared). */
  ttlSeconds: number;
  /** How long a stale entry may stand in for a view whose subgraph is down; 0 = never. */
  staleIfErrorSeconds?: number;
}

interface Entry {
  /** The response as UTF-8 bytes: written as they are, never encoded again per hit. */
  body: Buffer;
  storedAt: number;
  tags: string[];
  /** The tags' Redis keys, made once at store time rather than on every lookup. */
  keys: string[];
  tokens: string[];
}

/**
 * Reads the current tokens of tag keys in one round trip (null for a tag never bumped), or
 * undefined when Redis cannot answer. The endpoint's reader also counts the request against the
 * caller's rate limit in the same round trip.
 */
export type TagReader = (keys: readonly string[]) => Promise<(string | null)[] | undefined>;

export type Lookup = { kind: 'hit'; body: Buffer } | { kind: 'miss' } | { kind: 'stale' } | { kind: 'bypass' };

/** The kind of thing a tag names (`price:<id>` -> `price`): the cause label of an invalidation. */
const causeOf = (tag: string): string => tag.split(':', 1)[0]!;

export class ResponseCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly lastGood: LRUCache<string, Entry> | undefined;
  private readonly staleServed: Counter<string>;
  private readonly lookups: Counter<string>;
  private readonly invalidations: Counter<string>;

  constructor(
    private readonly deps: { redis: Redis; metrics: Metrics },
    settings: ResponseCacheSettings,
  ) {
    if (settings.ttlSeconds * 2 > TAG_TTL_SECONDS) throw new Error(`RESPONSE_CACHE_TTL_SECONDS must be at most ${TAG_TTL_SECONDS / 2}`);
    this.entries = new LRUCache<string, Entry>({
      max: settings.maxEntries,
      maxSize: settings.maxBytes,
      sizeCalculation: (entry, key) => key.length + entry.body.length + entry.tags.reduce((n, t) => n + 2 * t.length + 32, 0),
      ttl: settings.ttlSeconds * 1000,
      // Freshness is the tags' business; the lifetime only bounds memory, so a 100 ms clock will do
      // (lru-cache's default re-reads the clock and arms a timer every millisecond under load).
      ttlResolution: 100,
    });
    this.lastGood = settings.staleIfErrorSeconds
      ? new LRUCache<string, Entry>({ max: Math.max(1, Math.ceil(settings.maxEntries / 4)), maxSize: Math.max(1, Math.ceil(settings.maxBytes / 4)), sizeCalculation: (entry, key) => key.length + entry.body.length + 16, ttl: settings.staleIfErrorSeconds * 1000 })
      : undefined;
    const registers = [deps.metrics.registry];
    this.staleServed = new Counter({ name: 'gateway_stale_responses_total', help: 'Last good responses served (marked stale) because a subgraph did not answer, by subgraph', labelNames: ['subgraph'], registers });
    this.lookups = new Counter({ name: 'gateway_response_cache_lookups_total', help: 'Response cache lookups by result (hit, miss, stale, bypass when Redis is unavailable)', labelNames: ['result'], registers });
    this.invalidations = new Counter({ name: 'gateway_response_cache_invalidations_total', help: 'Cached responses found stale, by the kind of thing that changed', labelNames: ['cause'], registers });
    const entries = this.entries;
    new Gauge({ name: 'gateway_response_cache_entries', help: 'Responses cached on this instance', registers, collect() { this.set(entries.size); } });
    new Gauge({ name: 'gateway_response_cache_bytes', help: 'Approximate size of the responses cached on this instance', registers, collect() { this.set(entries.calculatedSize); } });
    let wasDown = false;
    deps.redis.on('close', () => (wasDown = true));
    deps.redis.on('ready', () => {
      // Changes made while this instance could not see Redis may have missed their tags.
      if (wasDown) this.entries.clear();
      wasDown = false;
    });
  }

  /**
   * The stored response for `key` if every tag it depends on is unchanged: one `read` of its tags'
   * tokens (not called at all when nothing is stored for `key`).
   */
  async lookup(key: string, read: TagReader): Promise<Lookup> {
    const entry = this.entries.get(key);
    if (!entry) return this.count({ kind: 'miss' });
    const current = await read(entry.keys);
    if (!current) return this.count({ kind: 'bypass' });
    for (let i = 0; i < current.length; i++) {
      // A tag never bumped reads as null and was noted as '' (the subgraphs' tag reads say so).
      if ((current[i] ?? '') !== entry.tokens[i]) {
        this.entries.delete(key);
        this.lastGood?.set(key, entry);
        this.invalidations.inc({ cause: causeOf(entry.tags[i]!) });
        return this.count({ kind: 'stale' });
      }
    }
    return this.count({ kind: 'hit', body: entry.body });
  }

  /** Stores a response with the tags (and tokens) it was built from. */
  store(key: string, body: string, tokens: ReadonlyMap<string, string>): void {
    const tags = [...tokens.keys()];
    this.entries.set(key, { body: Buffer.from(body, 'utf8'), storedAt: Date.now(), tags, keys: tags.map(tagKey), tokens: [...tokens.values()] });
    this.lastGood?.delete(key);
  }

  /**
   * The last good response for `key` (current or stale), marked as stale for `services`, or
   * undefined when there is none young enough. Counts as served.
   */
  staleFor(key: string, services: readonly string[]): string | undefined {
    const entry = this.entries.get(key) ?? this.lastGood?.get(key);
    if (!entry || !this.lastGood) return undefined;
    const parsed = JSON.parse(entry.body.toString('utf8')) as { extensions?: Record<string, unknown> };
    parsed.extensions = { ...parsed.extensions, stale: { services: [...services].sort(), ageSeconds: Math.floor((Date.now() - entry.storedAt) / 1000) } };
    for (const subgraph of services) this.staleServed.inc({ subgraph });
    return JSON.stringify(parsed);
  }

  /** Responses cached on this instance. */
  get size(): number {
    return this.entries.size;
  }

  private count(lookup: Lookup): Lookup {
    this.lookups.inc({ result: lookup.kind });
    return lookup;
  }
}
