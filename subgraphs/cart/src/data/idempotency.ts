/** Idempotency records of cart mutations: one per (owner, key), written in the change's transaction, in plain SQL (the write path). */
import type { SqlExecutor } from '@platform/server';

export interface IdempotencyRecord {
  ownerKey: string;
  key: string;
  operation: string;
  fingerprint: string;
  /** The stored result (JSON). */
  result: unknown;
  createdAt: Date;
  expiresAt: Date;
}

/** The record of `key` for `ownerKey`, if any. */
export async function findRecord(tx: SqlExecutor, ownerKey: string, key: string): Promise<IdempotencyRecord | null> {
  const rows = await tx.query<IdempotencyRecord>(
    `SELECT "ownerKey", "key", "operation", "fingerprint", "result", "createdAt", "expiresAt" FROM cart."IdempotencyRecord" WHERE "ownerKey" = $1 AND "key" = $2`,
    [ownerKey, key],
  );
  return rows[0] ?? null;
}

/** Deletes one record (its 24 h are over). */
export async function deleteRecord(tx: SqlExecutor, ownerKey: string, key: string): Promise<void> {
  await tx.query(`DELETE FROM cart."IdempotencyRecord" WHERE "ownerKey" = $1 AND "key" = $2`, [ownerKey, key]);
}

/** Stores a record unless one exists: a concurrent duplicate that stored first keeps its result. */
export async function insertRecordIfAbsent(tx: SqlExecutor, record: IdempotencyRecord): Promise<void> {
  await tx.query(
    `INSERT INTO cart."IdempotencyRecord" ("ownerKey", "key", "operation", "fingerprint", "result", "createdAt", "expiresAt")
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) ON CONFLICT ("ownerKey", "key") DO NOTHING`,
    [record.ownerKey, record.key, record.operation, record.fingerprint, JSON.stringify(record.result), record.createdAt, record.expiresAt],
  );
}
