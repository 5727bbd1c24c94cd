/**
 * Persisted operations. The operations in `packages/client` are registered at build time: GraphQL
 * Code Generator writes `persisted-documents.json` (hex SHA-256 of each operation's text -> the
 * text), the trusted-documents pattern. A client sends `extensions.persistedQuery.sha256Hash`
 * without `query`; an unknown hash is `PERSISTED_QUERY_NOT_FOUND`. Apollo's APQ protocol keeps
 * working: a client may register its own operation by sending the hash with the query, shared
 * by every gateway through Redis (and a bounded memory copy). With `PERSISTED_OPERATIONS_ONLY`
 * on (production), only registered operations run: any other document is
 * `PERSISTED_QUERY_NOT_ALLOWED` (HTTP 400) and nothing runs, which is also a security control.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import type { Logger } from '@platform/logger';
import { tryRedis, type Redis } from '@platform/redis';
import { HttpError } from '@platform/server';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Longest query text whose hash is remembered (the registered documents are far shorter). */
const REMEMBERED_TEXT_CHARS = 20_000;

/** What a GraphQL request body names: the query text may be missing when a hash stands for it. */
export interface OperationRequest {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

export interface ResolvedOperation {
  query: string;
  /** Hex SHA-256 of `query`. */
  hash: string;
}

const APQ_TTL_SECONDS = 7 * 86_400;
const apqKey = (hash: string) => `apq:v1:${hash}`;

/** A GraphQL error answered before anything runs, in the shape Apollo uses for APQ errors. */
export class PersistedOperationError extends HttpError {
  constructor(status: number, message: string, code: string) {
    super(status, message, code);
  }
}

/** Loads the registered operations; a missing manifest (codegen not run) registers none, with a warning. */
export function loadManifest(path: string, logger: Logger): Map<string, string> {
  try {
    const entries = Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>);
    return new Map(entries.filter(([hash, text]) => sha256(text) === hash));
  } catch (error) {
    logger.warn({ path, err: { message: (error as Error).message } }, 'no persisted-operations manifest; run `npm run codegen` (only APQ registration works)');
    return new Map();
  }
}

function persistedHash(extensions: unknown): string | undefined {
  const persisted = (extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)?.persistedQuery;
  if (persisted === undefined) return undefined;
  if (persisted?.version !== 1 || typeof persisted.sha256Hash !== 'string' || !/^[0-9a-f]{64}$/.test(persisted.sha256Hash)) {
    throw new PersistedOperationError(400, 'extensions.persistedQuery needs version 1 and a lowercase hex sha256Hash.', 'BAD_REQUEST');
  }
  return persisted.sha256Hash;
}

export class PersistedOperations {
  private readonly registered: Map<string, string>;
  private readonly memory = new LRUCache<string, string>({ max: 5_000 });
  /** Hash of each query text seen lately: a client sending the same document on every request pays for one SHA-256, not one per request. */
  private readonly hashes = new LRUCache<string, string>({ max: 1_000 });

  constructor(
    private readonly deps: { manifest: Map<string, string>; redis: Redis; logger: Logger; registeredOnly: boolean },
  ) {
    this.registered = deps.manifest;
  }

  /** How many operations are registered at build time. */
  get size(): number {
    return this.registered.size;
  }

  /** The operation a request stands for, or a typed refusal (`PersistedOperationError`). */
  async resolve(body: OperationRequest): Promise<ResolvedOperation> {
    const hash = persistedHash(body.extensions);
    if (typeof body.query === 'string' && body.query.length > 0) {
      const actual = this.hashOf(body.query);
      if (hash !== undefined && hash !== actual) throw new PersistedOperationError(400, 'provided sha does not match query', 'BAD_REQUEST');
      if (this.registered.has(actual)) return { query: body.query, hash: actual };
      if (this.deps.registeredOnly) throw new PersistedOperationError(400, 'Only registered operations are accepted here; send the hash of an operation from the published client.', 'PERSISTED_QUERY_NOT_ALLOWED');
      if (hash !== undefined) await this.register(actual, body.query);
      return { query: body.query, hash: actual };
    }
    if (hash === undefined) throw new PersistedOperationError(400, 'GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension.', 'BAD_REQUEST');
    const query = this.registered.get(hash) ?? (this.deps.registeredOnly ? undefined : await this.lookup(hash));
    if (query === undefined) throw new PersistedOperationError(200, 'PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_FOUND');
    return { query, hash };
  }

  private hashOf(query: string): string {
    if (query.length > REMEMBERED_TEXT_CHARS) return sha256(query);
    let hash = this.hashes.get(query);
    if (hash === undefined) this.hashes.set(query, (hash = sha256(query)));
    return hash;
  }

  private async register(hash: string, query: string): Promise<void> {
    this.memory.set(hash, query);
    await tryRedis(this.deps.redis, this.deps.logger, 'apq.register', (r) => r.set(apqKey(hash), query, 'EX', APQ_TTL_SECONDS), undefined);
  }

  private async lookup(hash: string): Promise<string | undefined> {
    const local = this.memory.get(hash);
    if (local !== undefined) return local;
    const shared = await tryRedis(this.deps.redis, this.deps.logger, 'apq.lookup', (r) => r.get(apqKey(hash)), null);
    // A hash maps to one text only if the text hashes to it: a poisoned entry is ignored.
    if (shared === null || sha256(shared) !== hash) return undefined;
    this.memory.set(hash, shared);
    return shared;
  }
}
