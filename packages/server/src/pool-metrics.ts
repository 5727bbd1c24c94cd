/**
 * The database pool in `/metrics`: connections in use and idle, callers waiting for one, the
 * pool's size, and how long a caller waited to get a connection (`db_pool_acquire_seconds`).
 * Read from the pool's own counters when scraped; the acquire time wraps `connect`.
 */
import type pg from 'pg';
import { Gauge } from 'prom-client';
import type { Metrics } from './metrics.ts';

/** Reports the service's one pool in `metrics` (call once per service). */
export function observePool(metrics: Metrics, pool: pg.Pool): void {
  const name = 'main';
  const registers = [metrics.registry];
  new Gauge({ name: 'db_pool_max', help: 'Connections the pool may open', labelNames: ['pool'], registers, collect() { this.set({ pool: name }, pool.options.max ?? 10); } });
  new Gauge({
    name: 'db_pool_connections',
    help: 'Pool connections by state (in_use, idle)',
    labelNames: ['pool', 'state'],
    registers,
    collect() {
      this.set({ pool: name, state: 'in_use' }, pool.totalCount - pool.idleCount);
      this.set({ pool: name, state: 'idle' }, pool.idleCount);
    },
  });
  new Gauge({ name: 'db_pool_waiting', help: 'Callers waiting for a pool connection', labelNames: ['pool'], registers, collect() { this.set({ pool: name }, pool.waitingCount); } });
  const acquire = metrics.histogram('db_pool_acquire_seconds', 'Time a caller waited for a pool connection', ['pool'], [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5]);
  // Both call forms of pg's `connect` (promise and callback; `pool.query` uses the callback form).
  const connect = pool.connect.bind(pool) as (cb?: (err: Error | undefined, client?: pg.PoolClient, done?: () => void) => void) => Promise<pg.PoolClient> | void;
  (pool as { connect: unknown }).connect = (cb?: (err: Error | undefined, client?: pg.PoolClient, done?: () => void) => void) => {
    const started = performance.now();
    const observe = () => acquire.observe({ pool: name }, (performance.now() - started) / 1000);
    if (cb) return connect((err, client, done) => (observe(), cb(err, client, done)));
    return (connect() as Promise<pg.PoolClient>).then((client) => (observe(), client));
  };
}
