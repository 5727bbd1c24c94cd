/**
 * Partner webhooks, the admin side: register an endpoint for some event types (its signing
 * secret is shown once), list, pause and resume, delete, rotate the secret, see deliveries and
 * redeliver one. And the stream side: `fanOut` records each event for the endpoints that want it
 * (idempotent per event id), then nudges the dispatcher.
 */
import { requireAdmin } from '@platform/auth';
import { EVENT_TYPES, isEventType, type EventEnvelope } from '@platform/events';
import { badUserInput, ErrorCode, isUuid, publicError } from '@platform/errors';
import type { SqlExecutor } from '@platform/server';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import {
  deleteWebhook,
  fanOut,
  findDeliveries,
  findDelivery,
  findWebhook,
  insertWebhook,
  listWebhooks,
  subscribedTypes,
  updateWebhook,
  type Webhook,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookStatus,
} from '../../data/webhooks.ts';
import type { RequestContext } from '../../request-context.ts';
import { newSecret, type SecretBox } from './secrets.ts';
import { checkWebhookUrl, type UrlPolicy } from './url-guard.ts';

export const MAX_EVENT_TYPES = EVENT_TYPES.length;
export const MAX_DELIVERIES_PAGE = 200;

export interface WebhookWithSecret {
  webhook: Webhook;
  secret: string;
}

export interface WebhookServiceDeps {
  prisma: PrismaClient;
  /** Plain SQL on the same pool: the fan-out's one read per batch of stream events. */
  sql: SqlExecutor;
  secrets: SecretBox;
  policy: UrlPolicy;
  retryHours: number;
  secretGraceHours: number;
  /** Told when there may be deliveries to send now. */
  nudge: () => void;
}

const notFound = (what: string, field: string) => publicError(ErrorCode.NOT_FOUND, `There is no such ${what}.`, { field });

export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  /** Every endpoint, oldest first (admins). */
  list(ctx: RequestContext): Promise<Webhook[]> {
    requireAdmin(ctx.identity);
    return listWebhooks(this.deps.prisma);
  }

  /** Registers an endpoint (admins); BAD_USER_INPUT naming `url` or `eventTypes` for a refused one, and nothing is stored. The secret is returned only here and by a rotation. */
  async create(ctx: RequestContext, input: { url: string; eventTypes: readonly string[] }): Promise<WebhookWithSecret> {
    requireAdmin(ctx.identity);
    const eventTypes = this.checkEventTypes(input.eventTypes);
    const verdict = await checkWebhookUrl(input.url, this.deps.policy);
    if (!verdict.ok) throw badUserInput(`\`url\` is refused: ${verdict.reason}`, { field: 'url' });
    const secret = newSecret();
    const webhook = await insertWebhook(this.deps.prisma, { url: verdict.url.toString(), eventTypes, secret: this.deps.secrets.seal(secret), now: ctx.clock() });
    return { webhook, secret };
  }

  /** Pauses (deliveries queue up, nothing is sent) or resumes an endpoint, also one the platform disabled (admins). */
  async setStatus(ctx: RequestContext, input: { id: string; status: WebhookStatus }): Promise<Webhook> {
    requireAdmin(ctx.identity);
    if (input.status !== 'ACTIVE' && input.status !== 'PAUSED') throw badUserInput('`status` must be ACTIVE or PAUSED; the platform alone disables endpoints.', { field: 'status' });
    const webhook = isUuid(input.id)
      ? await updateWebhook(this.deps.prisma, input.id, { status: input.status, updatedAt: ctx.clock(), ...(input.status === 'ACTIVE' ? { consecutiveFailures: 0 } : {}) })
      : null;
    if (!webhook) throw notFound('webhook', 'id');
    if (webhook.status === 'ACTIVE') this.deps.nudge();
    return webhook;
  }

  /** A new signing secret, returned once; deliveries are signed with the old one too for the grace period, so the partner can switch without dropping any (admins). */
  async rotateSecret(ctx: RequestContext, id: string): Promise<WebhookWithSecret> {
    requireAdmin(ctx.identity);
    const current = isUuid(id) ? await findWebhook(this.deps.prisma, id) : null;
    if (!current) throw notFound('webhook', 'id');
    const now = ctx.clock();
    const secret = newSecret();
    const webhook = await updateWebhook(this.deps.prisma, id, {
      secret: this.deps.secrets.seal(secret),
      previousSecret: current.secret,
      previousSecretUntil: new Date(now.getTime() + this.deps.secretGraceHours * 3_600_000),
      updatedAt: now,
    });
    if (!webhook) throw notFound('webhook', 'id');
    return { webhook, secret };
  }

  /** Deletes an endpoint and its delivery history; false when there was none (admins). */
  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    requireAdmin(ctx.identity);
    return isUuid(id) ? deleteWebhook(this.deps.prisma, id) : false;
  }

  /** An endpoint's deliveries, newest first, optionally of one status (admins). */
  async deliveries(ctx: RequestContext, input: { webhookId: string; status?: WebhookDeliveryStatus | null; first?: number | null }): Promise<WebhookDelivery[]> {
    requireAdmin(ctx.identity);
    const first = input.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > MAX_DELIVERIES_PAGE) throw badUserInput(`\`first\` must be between 1 and ${MAX_DELIVERIES_PAGE}.`, { field: 'first' });
    if (!isUuid(input.webhookId) || !(await findWebhook(this.deps.prisma, input.webhookId))) throw notFound('webhook', 'webhookId');
    return findDeliveries(this.deps.prisma, input.webhookId, input.status ?? null, first);
  }

  /** Sends a delivery again, whatever became of it: PENDING now, with a fresh retry window (admins). */
  async redeliver(ctx: RequestContext, deliveryId: string): Promise<WebhookDelivery> {
    requireAdmin(ctx.identity);
    if (!isUuid(deliveryId) || !(await findDelivery(this.deps.prisma, deliveryId))) throw notFound('webhook delivery', 'deliveryId');
    const now = ctx.clock();
    const delivery = await this.deps.prisma.webhookDelivery.update({
      where: { id: deliveryId },
      data: { status: 'PENDING', nextAttemptAt: now, retryUntil: new Date(now.getTime() + this.deps.retryHours * 3_600_000) },
    });
    this.deps.nudge();
    return delivery;
  }

  /** The webhook consumer's handler: one stream event becomes a delivery for each endpoint that wants it; a redelivered event adds nothing. */
  fanOut(ctx: RequestContext, event: EventEnvelope): Promise<number> {
    return this.fanOutBatch(ctx, [event]);
  }

  /**
   * A batch of stream events, in order: most events interest no partner, and the whole batch
   * costs one read to learn which types any endpoint wants (an endpoint registered a moment later
   * gets the events that arrive after it, which is what registering means); each wanted event is
   * then recorded with its deliveries in its own transaction. Returns the deliveries made.
   */
  async fanOutBatch(ctx: RequestContext, events: readonly EventEnvelope[]): Promise<number> {
    if (events.length === 0) return 0;
    const wanted = await subscribedTypes(this.deps.sql, [...new Set(events.map((e) => e.type))]);
    const now = ctx.clock();
    const retryUntil = new Date(now.getTime() + this.deps.retryHours * 3_600_000);
    let made = 0;
    for (const event of events) {
      if (!wanted.has(event.type)) continue;
      made += await this.deps.prisma.$transaction((tx) => fanOut(tx, { eventId: event.id, type: event.type, payload: event, occurredAt: new Date(event.occurredAt) }, now, retryUntil));
    }
    if (made) this.deps.nudge();
    return made;
  }

  private checkEventTypes(types: readonly string[]): string[] {
    const unique = [...new Set(types)];
    if (unique.length === 0) throw badUserInput('`eventTypes` must name at least one event type.', { field: 'eventTypes' });
    const unknown = unique.filter((t) => !isEventType(t));
    if (unknown.length) throw badUserInput(`\`eventTypes\` has unknown types: ${unknown.join(', ')}. Known: ${EVENT_TYPES.join(', ')}.`, { field: 'eventTypes' });
    return unique.sort();
  }
}
