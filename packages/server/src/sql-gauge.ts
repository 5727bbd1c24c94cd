/**
 * A gauge whose value is one SQL query, run when `/metrics` is scraped and at most once per
 * `everyMs` (scrapes in between see the last value). It goes straight to the pool, outside the
 * request statement counters, and a failed query keeps the last value (and is counted in
 * `sql_gauge_failures_total`). For business state that is not an event: carts active,
 * reservations held, the inventory invariant.
 */
import type pg from 'pg';
import { Gauge } from 'prom-client';
import type { Metrics } from './metrics.ts';

export interface SqlGaugeSpec {
  name: string;
  help: string;
  /** A query returning one row with a numeric `value` column. */
  sql: string;
  everyMs?: number;
}

/** Registers `spec` on `metrics`, read from `pool`. */
export function sqlGauge(metrics: Metrics, pool: pg.Pool, spec: SqlGaugeSpec): void {
  const failures = metrics.counter('sql_gauge_failures_total', 'SQL-backed gauges whose query failed at a scrape, by gauge', ['gauge']);
  let value = 0;
  let readAt = 0;
  new Gauge({
    name: spec.name,
    help: spec.help,
    registers: [metrics.registry],
    async collect() {
      if (Date.now() - readAt >= (spec.everyMs ?? 15_000)) {
        readAt = Date.now();
        try {
          const { rows } = await pool.query<{ value: string | number }>(spec.sql);
          value = Number(rows[0]?.value ?? 0);
        } catch {
          failures.inc({ gauge: spec.name });
        }
      }
      this.set(value);
    },
  });
}
