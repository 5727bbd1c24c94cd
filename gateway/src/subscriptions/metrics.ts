/** The live-sync metrics on the gateway's Prometheus registry. */
import { Gauge, Histogram } from 'prom-client';
import type { Metrics } from '@platform/server';

export type DeliveryOutcome = 'delivered' | 'stale' | 'skipped' | 'failed' | 'overflow';

export interface SubscriptionMetrics {
  connectionOpened(): void;
  connectionClosed(): void;
  subscriptionOpened(): void;
  subscriptionEnded(): void;
  refused(reason: string): void;
  received(kind: string): void;
  /** One execution of a cart selection through the supergraph (shared by identical subscribers). */
  cartRead(): void;
  /** One payload's fate; `committedAt` (ISO) times delivered ones from the cart commit. */
  delivery(outcome: DeliveryOutcome, committedAt?: string): void;
}

/** Registers the live-sync gauges, counters and delivery histogram on the gateway's registry. */
export function subscriptionMetrics(metrics: Metrics): SubscriptionMetrics {
  const registers = [metrics.registry];
  const connections = new Gauge({ name: 'gateway_ws_connections', help: 'graphql-ws connections past connection_init on this instance', registers });
  const subscriptions = new Gauge({ name: 'gateway_cart_subscriptions', help: 'Live cartUpdated subscriptions on this instance', registers });
  const refusals = metrics.counter('gateway_ws_refused_total', 'WebSocket connections refused, by reason', ['reason']);
  const received = metrics.counter('gateway_cart_bus_messages_total', 'Cart messages received from Redis, by kind', ['kind']);
  const reads = metrics.counter('gateway_cart_update_reads_total', 'Cart selections executed through the supergraph for live updates');
  const deliveries = metrics.counter('gateway_cart_update_deliveries_total', 'cartUpdated payloads, by outcome', ['outcome']);
  const latency = new Histogram({
    name: 'gateway_cart_update_delivery_seconds',
    help: 'From the cart change committing to its payload leaving for the device',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  return {
    connectionOpened: () => connections.inc(),
    connectionClosed: () => connections.dec(),
    subscriptionOpened: () => subscriptions.inc(),
    subscriptionEnded: () => subscriptions.dec(),
    refused: (reason) => refusals.inc({ reason }),
    received: (kind) => received.inc({ kind }),
    cartRead: () => reads.inc(),
    delivery(outcome, committedAt) {
      deliveries.inc({ outcome });
      const at = committedAt ? Date.parse(committedAt) : NaN;
      if (outcome === 'delivered' && Number.isFinite(at)) latency.observe(Math.max(0, Date.now() - at) / 1000);
    },
  };
}
