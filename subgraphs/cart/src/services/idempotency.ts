/**
 * Idempotency keys for cart mutations, scoped to the owner. The first result is stored with a
 * fingerprint of the input, in the same transaction as the write, and kept 24 h. A replay
 * returns it without writing; the same key with another input is `IdempotencyKeyReused`.
 */
import { badUserInput } from '@platform/errors';
import { fingerprintOf } from '@platform/server';
import type { Prisma } from '../generated/prisma/client.ts';
import { reviveCartView, type CartView, type Owner } from '../data/carts.ts';
import { IdempotencyKeyReused, reviveUserError, type CartUserError } from './errors.ts';
import { IDEMPOTENCY_KEY } from './validation.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export const ownerKey = (owner: Owner) => `${owner.ownerType}:${owner.ownerId}`;

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

export type StoredResult = { kind: 'cart'; cart: CartView } | { kind: 'error'; error: Record<string, unknown> } | { kind: 'value'; value: unknown };

export type Replay<T> = { replay: true; result: T | IdempotencyKeyReused } | { replay: false };

/** Looks up a key; a stored result of another input is `IdempotencyKeyReused`. */
export async function findReplay(db: Prisma.TransactionClient, owner: Owner, key: string, print: string, now: Date): Promise<Replay<CartView | CartUserError | unknown>> {
  const record = await db.idempotencyRecord.findUnique({ where: { ownerKey_key: { ownerKey: ownerKey(owner), key } } });
  if (!record) return { replay: false };
  if (record.expiresAt <= now) {
    // Past its 24 h the key is free again.
    await db.idempotencyRecord.delete({ where: { ownerKey_key: { ownerKey: record.ownerKey, key: record.key } } });
    return { replay: false };
  }
  if (record.fingerprint !== print) return { replay: true, result: new IdempotencyKeyReused(key) };
  const stored = record.result as unknown as StoredResult;
  if (stored.kind === 'cart') return { replay: true, result: reviveCartView(stored.cart) };
  if (stored.kind === 'error') return { replay: true, result: reviveUserError(stored.error) };
  return { replay: true, result: stored.value };
}

/** Stores the first result of a key; a concurrent duplicate that got there first wins. */
export async function storeResult(db: Prisma.TransactionClient, owner: Owner, key: string, operation: string, print: string, result: StoredResult, now: Date): Promise<void> {
  await db.idempotencyRecord.upsert({
    where: { ownerKey_key: { ownerKey: ownerKey(owner), key } },
    create: { ownerKey: ownerKey(owner), key, operation, fingerprint: print, result: result as unknown as Prisma.InputJsonValue, createdAt: now, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) },
    // A concurrent duplicate that stored first keeps its result.
    update: {},
  });
}
