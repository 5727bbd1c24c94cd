/**
 * This instance's `flashSaleTicket` streams, by sale and owner, and the Redis messages the
 * product subgraph publishes about tickets (`@subgraph/product/contract`): a ticket's own change
 * goes to its owner's streams, a queue move or a sale closing to every stream of the sale. Reads
 * go through the gateway's own Apollo Server as the subscriber (query plan, signed identity,
 * error masking), a bounded number at a time, so a sale selling out does not stampede it.
 */
import type { ApolloServer } from '@apollo/server';
import type { ExecutionResult, GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { Gauge } from 'prom-client';
import type { Identity } from '@platform/auth';
import type { Logger } from '@platform/logger';
import { channel, closeRedis, createRedis } from '@platform/redis';
import type { Metrics } from '@platform/server';
import { FLASH_SALE_EVENTS_CHANNEL, parseFlashSaleBusMessage, type FlashSaleBusMessage } from '@subgraph/product/contract';
import type { GatewayConfig } from '../config.ts';
import type { GatewayContext } from '../datasource.ts';
import { FlashTicketSubscription } from './flash-ticket-subscription.ts';
import { graphql } from '../graphql.ts';
import type { CartUpdatePlan } from './operation.ts';

/** The contract: at most one position update per ticket per second. */
export const POSITION_INTERVAL_MS = 1_000;
/** Ticket reads one gateway runs at once; the rest wait their turn. */
const READ_CONCURRENCY = 32;
const MAX_BUFFERED = 50;

const byResponseKey: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) =>
  source === null || typeof source !== 'object' ? undefined : (source as Record<string, unknown>)[info.path.key as string];

/** A counting semaphore: `run` waits for one of `limit` slots. */
function limiter(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

export class FlashTicketHub {
  /** sale -> user -> that user's streams of that sale. */
  private readonly bySale = new Map<string, Map<string, Set<FlashTicketSubscription>>>();
  private readonly limit = limiter(READ_CONCURRENCY);
  private readonly gauge: Gauge;
  private readonly deliveries;
  private readonly received;

  constructor(
    private readonly deps: { apollo: ApolloServer<GatewayContext>; schema: () => GraphQLSchema; metrics: Metrics; logger: Logger; intervalMs?: number },
  ) {
    this.gauge = new Gauge({ name: 'gateway_flash_ticket_subscriptions', help: 'Live flashSaleTicket subscriptions on this instance', registers: [deps.metrics.registry] });
    this.deliveries = deps.metrics.counter('gateway_flash_ticket_reads_total', 'flashSaleTicket re-reads for subscribers, by outcome (delivered, unchanged, failed)', ['outcome']);
    this.received = deps.metrics.counter('gateway_flash_sale_bus_messages_total', 'Flash-sale messages received from Redis, by kind', ['kind']);
  }

  /** Opens a signed-in user's stream for a `flashSaleTicket` plan; graphql-ws iterates it. */
  open(identity: Extract<Identity, { kind: 'user' }>, plan: CartUpdatePlan): FlashTicketSubscription {
    const ticket = plan.ticket;
    if (!ticket) throw new Error('a flashSaleTicket subscription needs its ticket query');
    const saleId = ticket.saleId.toLowerCase();
    const stream: FlashTicketSubscription = new FlashTicketSubscription(saleId, identity.userId, {
      read: () => this.limit(() => this.read(identity, plan)),
      intervalMs: this.deps.intervalMs ?? POSITION_INTERVAL_MS,
      maxBuffered: MAX_BUFFERED,
      onDelivery: (outcome) => this.deliveries.inc({ outcome }),
      logger: this.deps.logger,
      onEnd: () => this.remove(stream),
    });
    let users = this.bySale.get(saleId);
    if (!users) this.bySale.set(saleId, (users = new Map()));
    let streams = users.get(identity.userId);
    if (!streams) users.set(identity.userId, (streams = new Set()));
    streams.add(stream);
    this.gauge.inc();
    stream.start();
    return stream;
  }

  /** Routes one bus message to this instance's streams. */
  dispatch(message: FlashSaleBusMessage): void {
    this.received.inc({ kind: message.kind });
    const users = this.bySale.get(message.saleId);
    if (!users) return;
    if (message.kind === 'ticket') for (const stream of [...(users.get(message.userId) ?? [])]) stream.offer('status');
    else for (const streams of [...users.values()]) for (const stream of [...streams]) stream.offer(message.kind === 'queue' ? 'position' : 'status');
  }

  /** Streams whose first read is done, of one sale (and user) when given. */
  liveCount(saleId?: string, userId?: string): number {
    let count = 0;
    for (const [sale, users] of this.bySale) {
      if (saleId !== undefined && sale !== saleId) continue;
      for (const [user, streams] of users) if (userId === undefined || user === userId) for (const stream of streams) if (stream.live) count++;
    }
    return count;
  }

  /** The subscriber's selection of its ticket now, shaped as its subscription asked; `undefined` before it has a ticket. */
  private async read(identity: Identity, plan: CartUpdatePlan): Promise<ExecutionResult | undefined> {
    const ticket = plan.ticket!;
    const response = await this.deps.apollo.executeOperation<Record<string, unknown>>({ query: ticket.text, variables: ticket.variables }, { contextValue: { identity } });
    if (response.body.kind !== 'single') throw new Error('unexpected incremental result');
    const { data, errors } = response.body.singleResult;
    if (errors?.length) return { data: null, errors: errors.map((e) => new graphql.GraphQLError(e.message, { path: e.path ?? null, extensions: e.extensions ?? {} })) };
    if (!data || data[plan.rootKey] === null || data[plan.rootKey] === undefined) return undefined;
    return graphql.execute({ schema: this.deps.schema(), document: plan.document, operationName: plan.operationName, variableValues: plan.variables, rootValue: data, fieldResolver: byResponseKey });
  }

  private remove(stream: FlashTicketSubscription): void {
    const users = this.bySale.get(stream.saleId);
    const streams = users?.get(stream.userId);
    if (!streams?.delete(stream)) return;
    if (streams.size === 0) users!.delete(stream.userId);
    if (users!.size === 0) this.bySale.delete(stream.saleId);
    this.gauge.dec();
  }
}

export interface FlashSaleBus {
  close(): Promise<void>;
}

/** The instance's subscriber to the flash-sale channel (its own connection; it resubscribes on every reconnect). */
export function listenToFlashSaleBus(config: GatewayConfig, logger: Logger, onMessage: (message: FlashSaleBusMessage) => void): FlashSaleBus {
  const name = channel(config.REDIS_KEY_PREFIX, FLASH_SALE_EVENTS_CHANNEL);
  const redis = createRedis({ url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES, keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, logger, role: 'flash-sale-subscriber' }, { autoResubscribe: false });
  let closed = false;
  redis.on('ready', () => {
    if (closed) return;
    redis.subscribe(name).catch((error: Error) => logger.warn({ err: { message: error.message } }, 'could not subscribe to flash-sale events; retrying on reconnect'));
  });
  redis.on('message', (from: string, text: string) => {
    if (closed || from !== name) return;
    const message = parseFlashSaleBusMessage(text);
    if (message) onMessage(message);
    else logger.warn({ channel: from }, 'ignored an unreadable flash-sale event');
  });
  return {
    async close() {
      closed = true;
      await closeRedis(redis);
    },
  };
}
