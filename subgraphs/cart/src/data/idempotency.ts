/** Idempotency records of cart mutations: one per (owner, key), written in the change's transaction. */
import type { IdempotencyRecord, Prisma } from '../generated/prisma/client.ts';

export type { IdempotencyRecord };

/** The record of `key` for `ownerKey`, if any. */
export function findRecord(tx: Prisma.TransactionClient, ownerKey: string, key: string): Promise<IdempotencyRecord | null> {
  return tx.idempotencyRecord.findUnique({ where: { ownerKey_key: { ownerKey, key } } });
}

/** Deletes one record (its 24 h are over). */
export async function deleteRecord(tx: Prisma.TransactionClient, ownerKey: string, key: string): Promise<void> {
  await tx.idempotencyRecord.delete({ where: { ownerKey_key: { ownerKey, key } } });
}

/** Stores a record unless one exists: a concurrent duplicate that stored first keeps its result. */
export async function insertRecordIfAbsent(tx: Prisma.TransactionClient, record: Omit<IdempotencyRecord, 'result'> & { result: Prisma.InputJsonValue }): Promise<void> {
  await tx.idempotencyRecord.upsert({ where: { ownerKey_key: { ownerKey: record.ownerKey, key: record.key } }, create: record, update: {} });
}
