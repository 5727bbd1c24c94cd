/**
 * The outbox table of a subgraph other than the cart (`<schema>."OutboxEvent"`, one Prisma model
 * per subgraph with the same columns): rows are written in the transaction of the change they
 * record and read here by the relay. Raw SQL so one implementation serves every schema.
 */
import { EVENT_VERSION, eventEnvelope, type EventEnvelope } from '@platform/events';
import type { OutboxRow, OutboxSource, RawTx } from './relay.ts';

interface Row {
  id: bigint;
  eventId: string;
  type: string;
  key: string;
  data: unknown;
  occurredAt: Date;
  traceparent: string | null;
}

const SCHEMA = /^[a-z_]+$/;

/** The relay source of `<schema>."OutboxEvent"`. */
export function tableOutbox<TX extends RawTx>(schema: string): OutboxSource<TX> {
  if (!SCHEMA.test(schema)) throw new Error(`not a schema name: ${schema}`);
  const table = `"${schema}"."OutboxEvent"`;
  return {
    async due(tx, limit) {
      const rows = await tx.$queryRawUnsafe<Row[]>(
        `SELECT "id", "eventId"::text AS "eventId", "type", "key", "data", "occurredAt", "traceparent" FROM ${table} WHERE "streamedAt" IS NULL ORDER BY "id" LIMIT $1`,
        limit,
      );
      return rows.map(
        (r): OutboxRow => ({
          seq: r.id,
          key: r.key,
          traceparent: r.traceparent,
          // Validated as it leaves: a row the schema refuses is a bug to see, not to publish.
          event: eventEnvelope.parse({ id: r.eventId, type: r.type, occurredAt: r.occurredAt.toISOString(), version: EVENT_VERSION, data: r.data }) as EventEnvelope,
        }),
      );
    },
    async markStreamed(tx, rows, at) {
      await tx.$executeRawUnsafe(`UPDATE ${table} SET "streamedAt" = $1 WHERE "id" = ANY($2::bigint[])`, at, rows.map((r) => r.seq.toString()));
    },
    prune: (tx, before) => pruneStreamed(tx, schema, before),
    async anyDue(db) {
      const rows = await db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM ${table} WHERE "streamedAt" IS NULL LIMIT 1`);
      return rows.length > 0;
    },
  };
}

/** Deletes streamed rows older than `before` (they live on in the stream); how many went. */
export async function pruneStreamed(tx: RawTx, schema: string, before: Date, limit = 5_000): Promise<number> {
  if (!SCHEMA.test(schema)) throw new Error(`not a schema name: ${schema}`);
  return tx.$executeRawUnsafe(
    `DELETE FROM "${schema}"."OutboxEvent" WHERE "id" IN (SELECT "id" FROM "${schema}"."OutboxEvent" WHERE "streamedAt" IS NOT NULL AND "streamedAt" < $1 ORDER BY "id" LIMIT $2)`,
    before,
    limit,
  );
}
