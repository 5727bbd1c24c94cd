/**
 * Webhook endpoints, the events the webhook consumer took from the stream, and deliveries.
 * An endpoint's deliveries go out one at a time in `seq` order: a dispatcher leases the endpoint
 * (`leaseOwner`/`leaseUntil`), so only one works on it at once, across replicas.
 */
import type { SqlExecutor } from '@platform/server';
import type { Prisma, PrismaClient, Webhook, WebhookDelivery, WebhookDeliveryStatus, WebhookStatus } from '../generated/prisma/client.ts';

export type { Webhook, WebhookDelivery, WebhookDeliveryStatus, WebhookStatus };
type Db = PrismaClient | Prisma.TransactionClient;

export function listWebhooks(db: Db): Promise<Webhook[]> {
  return db.webhook.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

export function findWebhook(db: Db, id: string): Promise<Webhook | null> {
  return db.webhook.findUnique({ where: { id } });
}

export function insertWebhook(db: Db, data: { url: string; eventTypes: string[]; secret: string; now: Date }): Promise<Webhook> {
  return db.webhook.create({ data: { url: data.url, eventTypes: data.eventTypes, secret: data.secret, createdAt: data.now, updatedAt: data.now } });
}

/** Updates an endpoint; null when there is none. */
export async function updateWebhook(db: Db, id: string, data: Prisma.WebhookUpdateInput): Promise<Webhook | null> {
  const { count } = await db.webhook.updateMany({ where: { id }, data });
  return count ? findWebhook(db, id) : null;
}

export async function deleteWebhook(db: Db, id: string): Promise<boolean> {
  return (await db.webhook.deleteMany({ where: { id } })).count > 0;
}

/** An endpoint's deliveries, newest first. */
export function findDeliveries(db: Db, webhookId: string, status: WebhookDeliveryStatus | null, first: number): Promise<WebhookDelivery[]> {
  return db.webhookDelivery.findMany({ where: { webhookId, ...(status ? { status } : {}) }, orderBy: { seq: 'desc' }, take: first });
}

export function findDelivery(db: Db, id: string): Promise<WebhookDelivery | null> {
  return db.webhookDelivery.findUnique({ where: { id } });
}

/** Which of `types` some endpoint (ACTIVE or PAUSED) wants: one read, on plain SQL (the webhook consumer runs it for every batch of events). */
export async function subscribedTypes(db: SqlExecutor, types: readonly string[]): Promise<Set<string>> {
  if (types.length === 0) return new Set();
  const rows = await db.query<{ type: string }>(
    `SELECT DISTINCT t AS type FROM "orders"."Webhook", unnest("eventTypes") AS t WHERE "status" IN ('ACTIVE', 'PAUSED') AND t = ANY($1::text[])`,
    [types],
  );
  return new Set(rows.map((r) => r.type));
}

/**
 * Records an event taken from the stream and its deliveries to every endpoint (ACTIVE or PAUSED)
 * that wants its type, in one transaction; nothing when the event was recorded before (a
 * redelivery). Returns how many deliveries it made.
 */
export async function fanOut(tx: Prisma.TransactionClient, event: { eventId: string; type: string; payload: unknown; occurredAt: Date }, now: Date, retryUntil: Date): Promise<number> {
  const inserted = await tx.$executeRaw`
    INSERT INTO "orders"."WebhookEvent" ("eventId", "type", "payload", "occurredAt", "receivedAt")
    VALUES (${event.eventId}::uuid, ${event.type}, ${JSON.stringify(event.payload)}::jsonb, ${event.occurredAt}, ${now})
    ON CONFLICT ("eventId") DO NOTHING`;
  if (inserted === 0) return 0;
  return tx.$executeRaw`
    INSERT INTO "orders"."WebhookDelivery" ("id", "webhookId", "eventId", "eventType", "status", "nextAttemptAt", "retryUntil", "createdAt")
    SELECT gen_random_uuid(), w."id", ${event.eventId}::uuid, ${event.type}, 'PENDING', ${now}, ${retryUntil}, ${now}
    FROM "orders"."Webhook" w
    WHERE w."status" IN ('ACTIVE', 'PAUSED') AND ${event.type} = ANY(w."eventTypes")
    ORDER BY w."id"`;
}

/**
 * Leases up to `limit` ACTIVE endpoints (not in `busy`) whose oldest pending delivery is due at
 * `now` and that no live lease holds; returns their ids.
 */
export async function claimDueEndpoints(db: Db, owner: string, now: Date, leaseUntil: Date, busy: readonly string[], limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "orders"."Webhook" w SET "leaseOwner" = ${owner}, "leaseUntil" = ${leaseUntil}
    WHERE w."id" IN (
      SELECT c."id" FROM "orders"."Webhook" c
      WHERE c."status" = 'ACTIVE' AND (c."leaseUntil" IS NULL OR c."leaseUntil" < ${now})
        AND NOT (c."id" = ANY(${[...busy]}::uuid[]))
        AND (SELECT d."nextAttemptAt" FROM "orders"."WebhookDelivery" d
             WHERE d."webhookId" = c."id" AND d."status" = 'PENDING' ORDER BY d."seq" LIMIT 1) <= ${now}
      ORDER BY c."id" LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING w."id"::text AS "id"`;
  return rows.map((r) => r.id);
}

/** Extends this owner's lease and returns the endpoint as it is now (one statement); null when the lease is gone or the endpoint was deleted. */
export async function renewLease(db: Db, id: string, owner: string, leaseUntil: Date): Promise<Webhook | null> {
  const rows = await db.$queryRaw<Webhook[]>`
    UPDATE "orders"."Webhook" SET "leaseUntil" = ${leaseUntil} WHERE "id" = ${id}::uuid AND "leaseOwner" = ${owner}
    RETURNING "id"::text AS "id", "url", "eventTypes", "status"::text AS "status", "secret", "previousSecret", "previousSecretUntil",
              "consecutiveFailures", "leaseOwner", "leaseUntil", "createdAt", "updatedAt"`;
  return rows[0] ?? null;
}

export async function releaseLease(db: Db, id: string, owner: string): Promise<void> {
  await db.webhook.updateMany({ where: { id, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } });
}

export interface HeadDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  attempts: number;
  nextAttemptAt: Date | null;
  retryUntil: Date;
  payload: unknown;
}

/** The endpoint's oldest pending delivery with its event's envelope (one statement). */
export async function headDelivery(db: Db, webhookId: string): Promise<HeadDelivery | null> {
  const rows = await db.$queryRaw<HeadDelivery[]>`
    SELECT d."id"::text AS "id", d."webhookId"::text AS "webhookId", d."eventId"::text AS "eventId", d."attempts", d."nextAttemptAt", d."retryUntil", e."payload"
    FROM "orders"."WebhookDelivery" d JOIN "orders"."WebhookEvent" e ON e."eventId" = d."eventId"
    WHERE d."webhookId" = ${webhookId}::uuid AND d."status" = 'PENDING'
    ORDER BY d."seq" LIMIT 1`;
  return rows[0] ?? null;
}

/** Records an attempt's outcome on the delivery and on its endpoint, in one statement. */
export async function recordAttempt(
  db: Db,
  delivery: { id: string; webhookId: string },
  outcome: { status: WebhookDeliveryStatus; statusCode: number | null; error: string | null; at: Date; nextAttemptAt: Date | null },
  endpoint: { consecutiveFailures: number; status?: WebhookStatus },
): Promise<void> {
  await db.$executeRaw`
    WITH d AS (
      UPDATE "orders"."WebhookDelivery"
      SET "status" = ${outcome.status}::"orders"."WebhookDeliveryStatus", "attempts" = "attempts" + 1, "lastStatusCode" = ${outcome.statusCode}::int,
          "lastError" = ${outcome.error}, "lastAttemptAt" = ${outcome.at}, "nextAttemptAt" = ${outcome.nextAttemptAt}::timestamptz
      WHERE "id" = ${delivery.id}::uuid
      RETURNING "webhookId"
    )
    UPDATE "orders"."Webhook" w
    SET "consecutiveFailures" = ${endpoint.consecutiveFailures},
        "status" = COALESCE(${endpoint.status ?? null}::"orders"."WebhookStatus", w."status"),
        "updatedAt" = CASE WHEN ${endpoint.status ?? null}::text IS NULL THEN w."updatedAt" ELSE ${outcome.at} END
    FROM d WHERE w."id" = d."webhookId"`;
}

/** Deletes events (and their deliveries) received before `before` that have nothing pending; how many. */
export async function pruneEvents(db: Db, before: Date): Promise<number> {
  return db.$executeRaw`
    DELETE FROM "orders"."WebhookEvent" e WHERE e."receivedAt" < ${before}
      AND NOT EXISTS (SELECT 1 FROM "orders"."WebhookDelivery" d WHERE d."eventId" = e."eventId" AND d."status" = 'PENDING')`;
}
