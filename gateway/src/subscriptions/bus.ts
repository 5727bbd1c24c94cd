/**
 * The gateway instance's one Redis subscriber connection. Every instance hears every cart
 * message and delivers to its own devices, so any instance can serve any device. Redis down is
 * not fatal: HTTP keeps serving, the connection keeps reconnecting, and it subscribes again each
 * time it is ready (devices catch up on what they missed with `cartEvents`).
 */
import type { Logger } from '@platform/logger';
import { channel, closeRedis, createRedis } from '@platform/redis';
import type { GatewayConfig } from '../config.ts';
import { CART_EVENTS_CHANNEL, parseCartBusMessage, type CartBusMessage } from './messages.ts';

export interface CartBus {
  /** Stops listening (in-flight messages were already handed over) and closes the connection. */
  close(): Promise<void>;
}

/** Subscribes to the cart channel and hands every understood message to `onMessage`. */
export function listenToCartBus(config: GatewayConfig, logger: Logger, onMessage: (message: CartBusMessage) => void): CartBus {
  const name = channel(config.REDIS_KEY_PREFIX, CART_EVENTS_CHANNEL);
  // Subscribing is done on every `ready` below; ioredis must not also replay it by itself.
  const redis = createRedis({ url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES, keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, logger, role: 'subscriber' }, { autoResubscribe: false });
  let closed = false;
  redis.on('ready', () => {
    if (closed) return;
    redis.subscribe(name).then(
      () => logger.debug({ channel: name }, 'listening for cart events'),
      (error: Error) => logger.warn({ err: { message: error.message } }, 'could not subscribe to cart events; retrying on reconnect'),
    );
  });
  redis.on('message', (from: string, text: string) => {
    if (closed || from !== name) return;
    const message = parseCartBusMessage(text);
    if (message) onMessage(message);
    else logger.warn({ channel: from }, 'ignored an unreadable cart event');
  });
  return {
    async close() {
      closed = true;
      await closeRedis(redis);
    },
  };
}
