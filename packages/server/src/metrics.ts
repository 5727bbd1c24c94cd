/**
 * Prometheus metrics (prom-client), one registry per service: process defaults plus an HTTP
 * duration histogram labelled by route, method and status.
 */
import { Registry, Histogram, Counter, Gauge, collectDefaultMetrics } from 'prom-client';
import { onCommandTimeout, type Redis } from '@platform/redis';

export interface Metrics {
  registry: Registry;
  observeHttp(route: string, method: string, status: number, seconds: number): void;
  /** Counters a service registers for its own events (cache hits, deliveries, ...). */
  counter(name: string, help: string, labelNames?: string[]): Counter<string>;
  /** Gauges a service sets for its own state (relay lag, backlog, ...). */
  gauge(name: string, help: string, labelNames?: string[]): Gauge<string>;
  /** Histograms of a service's own durations (webhook deliveries, ...), in seconds. */
  histogram(name: string, help: string, labelNames?: string[], buckets?: number[]): Histogram<string>;
}

/**
 * Counts a Redis client's connection errors (`redis_errors_total`; the client logs them too) and
 * its commands that got no reply within `REDIS_COMMAND_TIMEOUT_MS`
 * (`redis_command_timeouts_total{command}`, by Redis command name: a bounded set; each such
 * command was served as a cache miss or without Redis).
 */
export function countRedisErrors(metrics: Metrics, redis: Redis): void {
  const errors = metrics.counter('redis_errors_total', 'Redis connection errors seen by this service');
  errors.inc(0);
  redis.on('error', () => errors.inc());
  const timeouts = metrics.counter('redis_command_timeouts_total', 'Redis commands that got no reply within REDIS_COMMAND_TIMEOUT_MS, by command', ['command']);
  onCommandTimeout(redis, (command) => timeouts.inc({ command }));
}

/** Creates the registry of one service. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5],
    registers: [registry],
  });
  const counters = new Map<string, Counter<string>>();
  const gauges = new Map<string, Gauge<string>>();
  const histograms = new Map<string, Histogram<string>>();
  return {
    registry,
    observeHttp(route, method, status, seconds) {
      http.observe({ route, method, status: String(status) }, seconds);
    },
    counter(name, help, labelNames = []) {
      let c = counters.get(name);
      if (!c) counters.set(name, (c = new Counter({ name, help, labelNames, registers: [registry] })));
      return c;
    },
    gauge(name, help, labelNames = []) {
      let g = gauges.get(name);
      if (!g) gauges.set(name, (g = new Gauge({ name, help, labelNames, registers: [registry] })));
      return g;
    },
    histogram(name, help, labelNames = [], buckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]) {
      let h = histograms.get(name);
      if (!h) histograms.set(name, (h = new Histogram({ name, help, labelNames, buckets, registers: [registry] })));
      return h;
    },
  };
}
