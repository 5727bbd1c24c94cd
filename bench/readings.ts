/**
 * Readings taken of every service process right before and right after a measured run: CPU time
 * from /proc and each service's `/metrics`. The difference, divided by the operations of the
 * run, is what one operation cost each process: CPU ms, subgraph fetches, internal calls, and
 * the cache lookups it caused.
 */
import { cpuMsBetween, readCpuMs, readCpuMsByCommand } from './proc.ts';
import { histogramBuckets, parsePrometheus, sumSamples, type Scrape } from './prometheus.ts';
import { bucketDelta, type Bucket } from './stats.ts';

/** A process the bench watches; services also have `/metrics`. */
export interface Watched {
  name: string;
  pid: number;
  origin?: string;
}

export interface Reading {
  cpuMs: Record<string, number | undefined>;
  scrapes: Record<string, Scrape | undefined>;
  /** The local data stores' CPU ms so far, per command and pid (`DATA_STORES`). */
  stores?: Record<string, Record<number, number>>;
}

async function scrape(origin: string): Promise<Scrape | undefined> {
  try {
    const response = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return response.ok ? parsePrometheus(await response.text()) : undefined;
  } catch {
    return undefined;
  }
}

/** The local data stores whose CPU a reading also takes, by process command; they are never part of a row's service total. */
export const DATA_STORES = ['postgres', 'redis-server', 'pgbouncer'] as const;
/** How a data store's CPU is named in a reading: `store:postgres`, ... */
export const STORE_PREFIX = 'store:';

/**
 * CPU of every process and of the local data stores (read first, so the scrapes themselves are
 * not counted), and each service's metrics.
 */
export async function takeReading(watched: readonly Watched[]): Promise<Reading> {
  const stores = readCpuMsByCommand(DATA_STORES);
  const cpuMs = Object.fromEntries(watched.map((w) => [w.name, readCpuMs(w.pid)]));
  const scrapes = Object.fromEntries(await Promise.all(watched.map(async (w) => [w.name, w.origin ? await scrape(w.origin) : undefined] as const)));
  return { cpuMs, scrapes, stores };
}

export interface CacheFigure {
  /** The counter read: the gateway's response cache when it has one, else the cart subgraph's. */
  source: string;
  hits: number;
  misses: number;
  /** hits / (hits + misses); NaN without lookups. */
  rate: number;
}

export interface Costs {
  /** CPU ms each process used during the run. */
  cpuMs: Record<string, number>;
  /** CPU ms per operation, each process and `total` (the services only, not the load generator or the data stores, `store:<command>`). */
  cpuMsPerOp: Record<string, number>;
  /** GraphQL requests each subgraph served, per operation (`http_request_duration_seconds_count{route="/graphql"}`), and `total`. */
  fetchesPerOp: Record<string, number>;
  /** Service-to-service calls each subgraph served (`route="/internal"`), per operation, and `total`. */
  internalCallsPerOp: Record<string, number>;
  cache: CacheFigure | null;
}

const counterDelta = (before: Scrape | undefined, after: Scrape | undefined, name: string, where: Record<string, string> = {}) =>
  after ? sumSamples(after, name, where) - (before ? sumSamples(before, name, where) : 0) : 0;

/**
 * What `ops` operations cost between two readings. `services` are the processes whose CPU makes
 * the total; `subgraphs` those whose fetches count; `gateway` the one the load went to.
 */
export function costsBetween(before: Reading, after: Reading, ops: number, groups: { services: string[]; subgraphs: string[]; gateway: string }): Costs {
  const per = (value: number) => (ops > 0 ? value / ops : Number.NaN);
  const cpuMs: Record<string, number> = {};
  const cpuMsPerOp: Record<string, number> = {};
  let cpuTotal = 0;
  for (const name of Object.keys(after.cpuMs)) {
    const a = after.cpuMs[name];
    const b = before.cpuMs[name];
    if (a === undefined || b === undefined) continue;
    cpuMs[name] = a - b;
    cpuMsPerOp[name] = per(a - b);
    if (groups.services.includes(name)) cpuTotal += a - b;
  }
  for (const [command, pids] of Object.entries(after.stores ?? {})) {
    const used = cpuMsBetween(before.stores?.[command], pids);
    cpuMs[`${STORE_PREFIX}${command}`] = used;
    cpuMsPerOp[`${STORE_PREFIX}${command}`] = per(used);
  }
  cpuMsPerOp.total = per(cpuTotal);
  const fetchesPerOp: Record<string, number> = {};
  const internalCallsPerOp: Record<string, number> = {};
  let fetches = 0;
  let internal = 0;
  for (const name of groups.subgraphs) {
    const f = counterDelta(before.scrapes[name], after.scrapes[name], 'http_request_duration_seconds_count', { route: '/graphql' });
    const i = counterDelta(before.scrapes[name], after.scrapes[name], 'http_request_duration_seconds_count', { route: '/internal' });
    fetchesPerOp[name] = per(f);
    internalCallsPerOp[name] = per(i);
    fetches += f;
    internal += i;
  }
  fetchesPerOp.total = per(fetches);
  internalCallsPerOp.total = per(internal);
  return { cpuMs, cpuMsPerOp, fetchesPerOp, internalCallsPerOp, cache: cacheBetween(before, after, groups.gateway) };
}

function cacheBetween(before: Reading, after: Reading, gateway: string): CacheFigure | null {
  const sources: [process: string, metric: string][] = [
    [gateway, 'gateway_response_cache_lookups_total'],
    ['cart', 'cart_cache_lookups_total'],
  ];
  for (const [process, metric] of sources) {
    const scrape = after.scrapes[process];
    if (!scrape?.declared.has(metric)) continue;
    const hits = counterDelta(before.scrapes[process], scrape, metric, { result: 'hit' });
    const misses = counterDelta(before.scrapes[process], scrape, metric, { result: 'miss' });
    return { source: `${process} ${metric}`, hits, misses, rate: hits + misses > 0 ? hits / (hits + misses) : Number.NaN };
  }
  return null;
}

/** What a histogram observed between two readings of one process (empty when it has none). */
export function histogramBetween(before: Reading, after: Reading, process: string, name: string): Bucket[] {
  const a = after.scrapes[process];
  if (!a?.declared.has(name)) return [];
  const b = before.scrapes[process];
  return bucketDelta(b ? histogramBuckets(b, name) : [], histogramBuckets(a, name));
}
