/**
 * RED metrics at the gateway: per GraphQL operation (rate, errors by code, duration) and per
 * subgraph fetch (duration, failures by kind). Labels stay bounded: an operation is named by the
 * first `MAX_OPERATION_NAMES` distinct names this instance sees (the registered documents in
 * practice), any later one counts as `other`; codes are the platform's public codes.
 */
import type { Metrics } from '@platform/server';

export const MAX_OPERATION_NAMES = 200;

export interface OperationMetrics {
  /** One served operation: its name (or undefined), type, seconds, the error codes its answer carried, and whether it came from the cache. */
  operation(name: string | undefined, type: string | undefined, seconds: number, codes: readonly string[], cached: boolean): void;
  /** One HTTP fetch to a subgraph (a batch counts once): seconds, and the failure kind when it failed. */
  fetch(subgraph: string, seconds: number, failure: 'timeout' | 'unavailable' | 'circuit_open' | 'error' | undefined): void;
  /** Declares a subgraph (its failure counters start at 0). */
  known(subgraph: string): void;
}

export function createOperationMetrics(metrics: Metrics): OperationMetrics {
  const names = new Set<string>();
  const duration = metrics.histogram('gateway_operation_duration_seconds', 'GraphQL operations served, by operation name and type, and their duration', ['operation', 'type'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5, 10]);
  const errors = metrics.counter('gateway_operation_errors_total', 'GraphQL operations whose answer carried an error, by operation name and error code (once per code per answer)', ['operation', 'code']);
  const cacheHits = metrics.counter('gateway_operation_cache_hits_total', 'GraphQL operations answered from the response cache, by operation name', ['operation']);
  const fetchDuration = metrics.histogram('gateway_subgraph_fetch_duration_seconds', 'HTTP fetches to a subgraph (a batch counts once), by subgraph', ['subgraph'], [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
  const fetchFailures = metrics.counter('gateway_subgraph_fetch_failures_total', 'HTTP fetches to a subgraph that failed, by subgraph and kind (timeout, unavailable, circuit_open, error)', ['subgraph', 'kind']);
  const label = (name: string | undefined): string => {
    if (!name) return 'anonymous';
    if (names.has(name)) return name;
    if (names.size >= MAX_OPERATION_NAMES) return 'other';
    names.add(name);
    return name;
  };
  return {
    known(subgraph) {
      // Zero series from the start, so rates and alerts have a baseline before the first failure.
      for (const kind of ['timeout', 'unavailable', 'circuit_open', 'error']) fetchFailures.inc({ subgraph, kind }, 0);
    },
    operation(name, type, seconds, codes, cached) {
      const operation = label(name);
      duration.observe({ operation, type: type ?? 'unknown' }, seconds);
      if (cached) cacheHits.inc({ operation });
      for (const code of new Set(codes)) errors.inc({ operation, code });
    },
    fetch(subgraph, seconds, failure) {
      fetchDuration.observe({ subgraph }, seconds);
      if (failure) fetchFailures.inc({ subgraph, kind: failure });
    },
  };
}
