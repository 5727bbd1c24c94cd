/**
 * Live cart sync and flash-sale tickets: `Subscription.cartUpdated` and
 * `Subscription.flashSaleTicket` over graphql-ws (`graphql-transport-ws`) on the gateway's own
 * HTTP server at `/graphql`. Apollo Gateway cannot execute subscriptions, so this
 * module serves them: it authenticates `connection_init`, admits subscription documents under
 * the gateway's query limits, listens to the cart outbox on Redis, and delivers each committed
 * change to the owner's devices with the fields each one selected, resolved through the
 * supergraph as that device's owner. Flash-sale tickets are served alike (`flash-ticket-hub.ts`).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApolloGateway } from '@apollo/gateway';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Identity } from '@platform/auth';
import type { Logger } from '@platform/logger';
import type { Metrics } from '@platform/server';
import type { GatewayConfig } from '../config.ts';
import type { GatewayContext } from '../datasource.ts';
import { listenToCartBus } from './bus.ts';
import { CartReader } from './cart-reader.ts';
import { authenticateConnection, FORBIDDEN, whenExpired } from './connection-auth.ts';
import { FlashTicketHub, listenToFlashSaleBus } from './flash-ticket-hub.ts';
import { FLASH_TICKET_FIELD } from './flash-ticket-query.ts';
import { graphql } from '../graphql.ts';
import { SubscriptionHub } from './hub.ts';
import { subscriptionMetrics } from './metrics.ts';
import { planSubscription, type CartUpdatePlan } from './operation.ts';
import { refuseUpgrade, upgradeRefusal } from './upgrade.ts';

export const SUBSCRIPTIONS_PATH = '/graphql';

export interface SubscriptionServer {
  /**
   * Live `cartUpdated` streams on this instance (their starting version is known), of one cart
   * owner when given (`USER:<userId>` or `GUEST:<guestId>`).
   */
  liveSubscriptions(owner?: string): number;
  /** Live `flashSaleTicket` streams on this instance (their first read done), of one sale and user when given. */
  liveFlashTickets(saleId?: string, userId?: string): number;
  /** Open WebSocket connections on this instance. */
  openConnections(): number;
  /** Refuses new sockets, finishes in-flight deliveries, closes sockets with 1001, leaves Redis. */
  stop(): Promise<void>;
}

interface ConnectionState {
  identity: Extract<Identity, { kind: 'user' } | { kind: 'guest' }>;
  stopExpiry: () => void;
}

interface SubscriptionContext {
  identity: Identity;
  plan: CartUpdatePlan;
}

export interface SubscriptionOptions {
  server: Server;
  apollo: ApolloServer<GatewayContext>;
  gateway: ApolloGateway;
  /** Validation rules of the gateway's query limits (`createArmor(config).protect().validationRules`). */
  limits: readonly ValidationRule[];
  config: GatewayConfig;
  logger: Logger;
  metrics: Metrics;
}

/** Waits for `promise`, or `ms` at most. */
async function within(ms: number, promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Attaches the graphql-ws server to `server` and starts listening to cart events. Call before
 * `apollo.start()`, so the API schema is captured when the gateway loads the supergraph.
 */
export function startSubscriptions(options: SubscriptionOptions): SubscriptionServer {
  const { server, apollo, gateway, limits, config, logger } = options;
  const metrics = subscriptionMetrics(options.metrics);
  let schema: GraphQLSchema | undefined;
  // A resolver-free copy: Apollo Server instruments the gateway's schema object in place (its
  // fields get resolvers reading by field name), while updates are shaped by response key.
  const stopWatchingSchema = gateway.onSchemaLoadOrUpdate(({ apiSchema }) => void (schema = graphql.buildSchema(graphql.printSchema(apiSchema))));
  const currentSchema = () => {
    if (!schema) throw new Error('the API schema is not loaded yet');
    return schema;
  };
  const hub = new SubscriptionHub({ schema: currentSchema, reader: new CartReader(apollo, metrics.cartRead), config, metrics, logger });
  const bus = listenToCartBus(config, logger, (message) => hub.dispatch(message));
  const flashHub = new FlashTicketHub({ apollo, schema: currentSchema, metrics: options.metrics, logger });
  const flashBus = listenToFlashSaleBus(config, logger, (message) => flashHub.dispatch(message));

  const wss = new WebSocketServer({ noServer: true, maxPayload: config.WS_MAX_PAYLOAD_BYTES });
  let accepting = true;
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = upgradeRefusal(request, { path: SUBSCRIPTIONS_PATH, origins: config.corsOrigins, accepting });
    if (refusal) {
      metrics.refused(refusal.reason);
      return refuseUpgrade(socket, refusal.status);
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);

  const graphqlWs = useServer<Record<string, unknown> | undefined, { connection: ConnectionState }>(
    {
      connectionInitWaitTimeout: config.WS_INIT_TIMEOUT_MS,
      isProd: config.NODE_ENV === 'production',
      async onConnect(ctx) {
        const result = await authenticateConnection(ctx.connectionParams, config.AUTH_JWT_SECRET);
        const socket = ctx.extra.socket;
        if ('refused' in result) {
          metrics.refused('credentials');
          socket.close(FORBIDDEN, result.refused);
          return false;
        }
        // The device may have gone while its token was checked; then there is nothing to bind.
        if (socket.readyState !== socket.OPEN) return false;
        const stopExpiry = whenExpired(result.identity.expiresAt, () => {
          metrics.refused('expired');
          socket.close(FORBIDDEN, 'Forbidden: session expired');
        });
        ctx.extra.connection = { identity: result.identity, stopExpiry };
        metrics.connectionOpened();
        return true;
      },
      onClose(ctx) {
        if (!ctx.extra.connection) return;
        ctx.extra.connection.stopExpiry();
        metrics.connectionClosed();
      },
      onSubscribe(ctx, _id, payload) {
        const connection = ctx.extra.connection;
        if (!connection) return [new graphql.GraphQLError('Not authenticated.', { extensions: { code: 'UNAUTHENTICATED' } })];
        // `subscriptions` already holds this one's reservation.
        if (Object.keys(ctx.subscriptions).length > config.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          return [new graphql.GraphQLError(`At most ${config.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection.`, { extensions: { code: 'RATE_LIMITED' } })];
        }
        const admitted = planSubscription(currentSchema(), limits, payload);
        if ('errors' in admitted) return admitted.errors;
        const { plan } = admitted;
        if (plan.rootField === FLASH_TICKET_FIELD && connection.identity.kind !== 'user') {
          return [new graphql.GraphQLError('Sign in to follow a flash-sale ticket.', { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        const contextValue: SubscriptionContext = { identity: connection.identity, plan };
        return { schema: currentSchema(), document: plan.document, operationName: plan.operationName, variableValues: plan.variables, contextValue };
      },
      subscribe(args) {
        const { identity, plan } = args.contextValue as SubscriptionContext;
        if (plan.rootField === FLASH_TICKET_FIELD && identity.kind === 'user') return flashHub.open(identity, plan);
        return hub.open(identity, plan);
      },
    },
    wss,
    config.WS_KEEPALIVE_MS,
  );

  return {
    liveSubscriptions: (owner) => hub.liveCount(owner),
    liveFlashTickets: (saleId, userId) => flashHub.liveCount(saleId, userId),
    openConnections: () => wss.clients.size,
    async stop() {
      accepting = false;
      await Promise.all([bus.close(), flashBus.close()]);
      // In-flight deliveries finish (bounded), then every device is told we are going away.
      await within(config.WS_SHUTDOWN_GRACE_MS, hub.whenIdle());
      const closed = Promise.all([...wss.clients].map((ws) => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve())))));
      // Closes every socket with 1001 Going Away and closes the WebSocket server.
      await graphqlWs.dispose();
      // A device that does not answer the close handshake promptly is cut off.
      await within(1_000, closed);
      for (const ws of wss.clients) ws.terminate();
      server.off('upgrade', onUpgrade);
      stopWatchingSchema();
    },
  };
}
