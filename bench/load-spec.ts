/** What the parent asks the load generator process for, and what it answers (JSON on stdin/stdout). */

/** One HTTP request the generator may send; `expect` is a substring every 2xx body must contain. */
export interface RequestSpec {
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body?: string;
  expect?: string;
}

interface Common {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Unmeasured load before the measured run (closed and paced modes). */
  warmupMs: number;
  /** Count the first `"__typename"` of each body (outcomes of mutations). */
  countTypenames?: boolean;
}

/**
 * Closed loop (autocannon): `connections` clients, each sending its next request when the
 * previous one answered. Either one shared `pool` cycled across all connections, or `lanes`: one
 * connection per lane, each cycling its own requests (a user per connection).
 */
export interface ClosedSpec extends Common {
  mode: 'closed';
  connections: number;
  durationMs: number;
  pool?: RequestSpec[];
  lanes?: RequestSpec[][];
}

/**
 * Open loop at a fixed `rate` (requests/s, evenly spaced) over `connections` keep-alive
 * connections; latency counts from the scheduled send time, so a slow server cannot hide queueing.
 */
export interface PacedSpec extends Common {
  mode: 'paced';
  connections: number;
  rate: number;
  durationMs: number;
  pool: RequestSpec[];
}

/** Every request at once, each on its own connection (a burst of concurrent users). */
export interface BurstSpec extends Common {
  mode: 'burst';
  requests: RequestSpec[];
}

export type LoadSpec = ClosedSpec | PacedSpec | BurstSpec;

export interface LoadResult {
  type: 'result';
  /** Requests that got an HTTP answer. */
  answered: number;
  /** Answered with 2xx, no GraphQL `errors`, and the expected content. */
  ok: number;
  seconds: number;
  /** Every answered request's latency, in ms. */
  latenciesMs: number[];
  statusCodes: Record<string, number>;
  /** Connection errors other than timeouts. */
  socketErrors: number;
  timeouts: number;
  /** Fixed rate only: requests not sent because too many were already waiting (the rate was not sustainable). */
  dropped: number;
  /** 2xx answers with GraphQL `errors` or without the expected content. */
  graphqlErrors: number;
  /** The first few offending bodies, cut short, to show what went wrong. */
  errorSamples: string[];
  /** Answers per second of the measured run, second by second. */
  perSecond: number[];
  typenames: Record<string, number>;
}
