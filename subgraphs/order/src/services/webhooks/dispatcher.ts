/**
 * Delivering webhooks. Each endpoint is a queue of its own: its oldest pending delivery goes out
 * first, one at a time, so a partner sees events in the order they occurred; a failure is
 * retried with exponential backoff and jitter until 24 h after the event came in (configurable),
 * then FAILED with its last status code, and the next one goes. After a configured number of
 * deliveries failed in a row the endpoint is DISABLED. Endpoints never wait for each other: up to
 * `concurrency` of them are in flight at once, each bounded by the request timeout, and one that
 * backs off only holds its own queue. Off every request path; any number of replicas (a lease per
 * endpoint keeps one dispatcher on it).
 */
import { randomUUID } from 'node:crypto';
import { Webhook as Signer } from 'standardwebhooks';
import { Agent, request } from 'undici';
import type { Logger } from '@platform/logger';
import type { Metrics } from '@platform/server';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { claimDueEndpoints, headDelivery, recordAttempt, releaseLease, renewLease, type Webhook } from '../../data/webhooks.ts';
import type { SecretBox } from './secrets.ts';
import { guardedLookup, isPublicAddress, type UrlPolicy } from './url-guard.ts';
import { isIP } from 'node:net';

export interface DispatchSettings {
  timeoutMs: number;
  retryHours: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  disableAfterFailures: number;
  concurrency: number;
  /** Deliveries one claim of an endpoint sends before it lets go (fairness between replicas). */
  perClaim: number;
  policy: UrlPolicy;
}

export interface DispatchDeps {
  prisma: PrismaClient;
  clock: () => Date;
  logger: Logger;
  metrics: Metrics;
  secrets: SecretBox;
}

/** Delay before attempt `attempts + 1`: exponential, capped, with "equal jitter" (half fixed, half random), so retries of many endpoints spread out. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

interface AttemptResult {
  statusCode: number | null;
  error: string | null;
}

export class WebhookDispatcher {
  private readonly owner = `dispatcher-${randomUUID()}`;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly agent: Agent;
  private ticking: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly outcomes;
  private readonly durations;

  constructor(
    private readonly deps: DispatchDeps,
    private readonly settings: DispatchSettings,
  ) {
    this.agent = new Agent({ connect: { lookup: guardedLookup(settings.policy), timeout: settings.timeoutMs }, headersTimeout: settings.timeoutMs, bodyTimeout: settings.timeoutMs, keepAliveTimeout: 10_000 });
    this.outcomes = deps.metrics.counter('webhook_attempts_total', 'Webhook delivery attempts by outcome (delivered, retry, failed)', ['outcome']);
    this.durations = deps.metrics.histogram('webhook_attempt_duration_seconds', 'Duration of one webhook delivery attempt');
  }

  /** Starts deliveries for endpoints that are due and free; resolves once they are started (not finished). Coalesces concurrent calls. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.ticking) {
      this.again = true;
      return this.ticking;
    }
    this.ticking = this.claim().finally(() => {
      this.ticking = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.tick();
      }
    });
    return this.ticking;
  }

  /** Resolves once every delivery started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size || this.ticking) await Promise.all([this.ticking, ...this.inFlight.values()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
    await this.agent.close();
  }

  private async claim(): Promise<void> {
    const now = this.deps.clock();
    const free = this.settings.concurrency - this.inFlight.size;
    const ids = await claimDueEndpoints(this.deps.prisma, this.owner, now, this.leaseEnd(now), [...this.inFlight.keys()], free);
    for (const id of ids) {
      const run = this.drain(id)
        .catch((error: unknown) => this.deps.logger.error({ err: error, webhookId: id }, 'webhook dispatch failed'))
        .finally(() => {
          this.inFlight.delete(id);
          // Its queue may have more due now (or another endpoint may be waiting for the slot).
          if (!this.stopped) void this.tick();
        });
      this.inFlight.set(id, run);
    }
  }

  private leaseEnd(now: Date): Date {
    return new Date(now.getTime() + this.settings.timeoutMs * 2 + 30_000);
  }

  /** Sends the endpoint's due deliveries in order until one must wait, the claim's share is used, or the endpoint is no longer ACTIVE. */
  private async drain(webhookId: string): Promise<void> {
    const { prisma } = this.deps;
    try {
      for (let sent = 0; sent < this.settings.perClaim && !this.stopped; sent += 1) {
        const now = this.deps.clock();
        const endpoint = await renewLease(prisma, webhookId, this.owner, this.leaseEnd(now));
        if (!endpoint || endpoint.status !== 'ACTIVE') return;
        const head = await headDelivery(prisma, webhookId);
        if (!head || !head.nextAttemptAt || head.nextAttemptAt > now) return;
        const delivered = await this.attempt(endpoint, head, head.payload);
        // A failed attempt puts this queue to wait; the next delivery must not overtake it.
        if (!delivered) return;
      }
    } finally {
      await releaseLease(prisma, webhookId, this.owner);
    }
  }

  /** One attempt of one delivery; records its outcome. True when it was delivered or has failed for good (the queue moves on). */
  private async attempt(endpoint: Webhook, delivery: { id: string; webhookId: string; eventId: string; attempts: number; retryUntil: Date }, payload: unknown): Promise<boolean> {
    const at = this.deps.clock();
    const result = await this.post(endpoint, delivery.eventId, payload, at);
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const attempts = delivery.attempts + 1;
    const common = { statusCode: result.statusCode, error: ok ? null : result.error ?? `HTTP ${result.statusCode}`, at };
    if (ok) {
      this.outcomes.inc({ outcome: 'delivered' });
      await recordAttempt(this.deps.prisma, delivery, { ...common, status: 'DELIVERED', nextAttemptAt: null }, { consecutiveFailures: 0 });
      return true;
    }
    const next = new Date(at.getTime() + backoffMs(attempts, this.settings.backoffBaseMs, this.settings.backoffMaxMs));
    if (at >= delivery.retryUntil) {
      this.outcomes.inc({ outcome: 'failed' });
      const failures = endpoint.consecutiveFailures + 1;
      const disable = failures >= this.settings.disableAfterFailures;
      await recordAttempt(this.deps.prisma, delivery, { ...common, status: 'FAILED', nextAttemptAt: null }, { consecutiveFailures: failures, ...(disable ? { status: 'DISABLED' as const } : {}) });
      if (disable) this.deps.logger.warn({ webhookId: endpoint.id, failures }, 'webhook endpoint disabled after failing deliveries in a row');
      return true;
    }
    this.outcomes.inc({ outcome: 'retry' });
    // The last retry happens at the deadline, not after it.
    const nextAttemptAt = next > delivery.retryUntil ? delivery.retryUntil : next;
    await recordAttempt(this.deps.prisma, delivery, { ...common, status: 'PENDING', nextAttemptAt }, { consecutiveFailures: endpoint.consecutiveFailures });
    return false;
  }

  /** POSTs the envelope, signed the Standard Webhooks way (also with the previous secret during a rotation's grace period). */
  private async post(endpoint: Webhook, eventId: string, payload: unknown, at: Date): Promise<AttemptResult> {
    // An address literal skips DNS, so the connect-time guard never sees it: check it here (the policy may have tightened since registration).
    const host = new URL(endpoint.url).hostname.replace(/^\[|\]$/g, '');
    if (!this.settings.policy.allowPrivate && isIP(host) && !isPublicAddress(host)) return { statusCode: null, error: 'refused: not a public address' };
    const body = JSON.stringify(payload);
    const secrets = [endpoint.secret, ...(endpoint.previousSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil > at ? [endpoint.previousSecret] : [])];
    const signature = secrets.map((sealed) => new Signer(this.deps.secrets.open(sealed)).sign(eventId, at, body)).join(' ');
    const timer = this.durations.startTimer();
    try {
      const response = await request(endpoint.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'cart-platform-webhooks/1',
          'webhook-id': eventId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      // Only the status matters; the body is read (bounded by the timeout) and dropped.
      await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      return { statusCode: response.statusCode, error: null };
    } catch (error) {
      return { statusCode: null, error: describe(error) };
    } finally {
      timer();
    }
  }
}

/** A short, client-safe reason (no stack). */
function describe(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || /timeout/i.test(e.code ?? '')) return 'timeout';
  const code = e.code ?? e.cause?.code;
  return (code ? `${code}: ` : '') + String(e.cause?.message ?? e.message ?? error).slice(0, 200);
}
