/**
 * Idempotency keys for cart mutations, scoped to the owner. The first result is stored with a
 * fingerprint of the input, in the same transaction as the write, and kept 24 h. A replay
 * returns it without writing; the same key with another input is `IdempotencyKeyReused`.
 */
import { badUserInput } from '@platform/errors';
import { fingerprintOf, type SqlExecutor } from '@platform/server';
import { reviveCartView, type CartView, type Owner } from '../data/carts.ts';
import { deleteRecord, findRecord, insertRecordIfAbsent } from '../data/idempotency.ts';
import { IdempotencyKeyReused, reviveUserError, type CartUserError } from './errors.ts';
import { IDEMPOTENCY_KEY } from './validation.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export const ownerKey = (owner: Owner) => `${owner.ownerType}:${owner.ownerId}`;

/** The fingerprint a key is bound to: the operation and its input, without the key itself. */
export function fingerprint(operation: string, input: object): string {
  const { idempotencyKey: _key, ...rest } = input as Record<string, unknown>;
  return fingerprintOf(operation, rest);
}

/** Rejects malformed keys up front (they are client bugs, not business outcomes). */
export function checkKey(key: string | null | undefined): string | undefined {
  if (key == null) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) throw badUserInput('`idempotencyKey` must be 1 to 128 printable ASCII characters.', { field: 'idempotencyKey' });
  return key;
}

/** What a key answers with: the cart after the write (and the write's details), or an expected failure. */
export type StoredResult = { kind: 'cart'; cart: CartView; details?: unknown } | { kind: 'error'; error: Record<string, unknown> };

export type Replay = { replay: true; result: { cart: CartView; details: unknown } | CartUserError } | { replay: false };

/** Looks up a key; a stored result of another input is `IdempotencyKeyReused`. */
export async function findReplay(tx: SqlExecutor, owner: Owner, key: string, print: string, now: Date): Promise<Replay> {
  const record = await findRecord(tx, ownerKey(owner), key);
  if (!record) return { replay: false };
  if (record.expiresAt <= now) {
    // Past its 24 h the key is free again.
    await deleteRecord(tx, record.ownerKey, record.key);
    return { replay: false };
  }
  if (record.fingerprint !== print) return { replay: true, result: new IdempotencyKeyReused(key) };
  const stored = record.result as StoredResult;
  if (stored.kind === 'error') return { replay: true, result: reviveUserError(stored.error) };
  return { replay: true, result: { cart: reviveCartView(stored.cart), details: stored.details } };
}

/** Stores the first result of a key; a concurrent duplicate that got there first wins. */
export async function storeResult(tx: SqlExecutor, owner: Owner, key: string, operation: string, print: string, result: StoredResult, now: Date): Promise<void> {
  await insertRecordIfAbsent(tx, {
    ownerKey: ownerKey(owner),
    key,
    operation,
    fingerprint: print,
    result,
    createdAt: now,
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
  });
}
