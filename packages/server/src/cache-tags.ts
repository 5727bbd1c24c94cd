/**
 * The subgraph side of the gateway's response cache. When the gateway asks (header
 * `x-cache-tags: 1`), a request collects the cache tags of everything its resolvers read, each
 * with the token it had *before* the data was read, and answers them in the response's
 * `extensions.cacheTags`. Data read without a tag marks the response not storable
 * (`extensions.cacheTags` is then left out, and the gateway does not cache it).
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { TagStore } from '@platform/redis';

export const CACHE_TAGS_HEADER = 'x-cache-tags';

export class CacheTags {
  private readonly tokens = new Map<string, string>();
  private storable = true;

  constructor(private readonly store: TagStore) {}

  /**
   * Notes the current tokens of `tags`. Call it right before issuing the read of the data they
   * guard, in the same tick: the Redis command goes out first, so the tokens are never newer
   * than the data. Await the result together with the read.
   */
  guard(tags: readonly string[]): Promise<void> {
    if (!this.storable || tags.length === 0) return Promise.resolve();
    return this.store.read(tags).then((values) => {
      if (!values) return this.noStore();
      tags.forEach((tag, i) => {
        const token = values[i]!;
        const seen = this.tokens.get(tag);
        // The same tag read twice with different tokens: it changed during this request.
        if (seen !== undefined && seen !== token) this.noStore();
        this.tokens.set(tag, token);
      });
    });
  }

  /** Something was read that no tag guards: the response must not be cached. */
  noStore(): void {
    this.storable = false;
  }

  /** The extension value: tag -> token, or undefined when the response is not storable. */
  toExtension(): Record<string, string> | undefined {
    return this.storable ? Object.fromEntries(this.tokens) : undefined;
  }
}

/** Collects tags for a request that asked for them; `null` otherwise (nothing is recorded). */
export function cacheTagsFor(headerValue: string | string[] | undefined, store: TagStore): CacheTags | null {
  return headerValue === '1' ? new CacheTags(store) : null;
}

/** Adds `extensions.cacheTags` to every response whose context collected tags. */
export function cacheTagsPlugin<TContext extends BaseContext & { tags?: CacheTags | null }>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue, errors }) {
          const tags = contextValue.tags?.toExtension();
          if (!tags || errors?.length || response.body.kind !== 'single') return;
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cacheTags: tags };
        },
      };
    },
  };
}
