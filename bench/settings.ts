/**
 * Every variable the bench reads, validated once with the platform's config loader, so a bad
 * value stops the run with a message naming it (and no other bench module reads the environment).
 */
import { loadConfig, vars, z, type Env } from '@platform/config';

export const benchShape = {
  /** Measured time per scenario row. */
  BENCH_DURATION_MS: vars.positiveInt.default(10_000),
  /** Unmeasured load before each measured row (JIT, pools, caches). */
  BENCH_WARMUP_MS: vars.nonNegativeInt.default(3_000),
  /** Clients (connections) of the closed-loop scenarios. */
  BENCH_CONCURRENCY: vars.positiveInt.default(32),
  /** DATABASE_POOL_SIZE of each subgraph process. */
  BENCH_DATABASE_POOL_SIZE: vars.positiveInt.default(10),
  /** Mixed 100:1 scenario: target rate and length. */
  BENCH_MIXED_RATE: vars.positiveInt.default(1_000),
  BENCH_MIXED_SECONDS: vars.positiveInt.default(60),
  /** Soak (`npm run bench -- soak`): rate and length. */
  BENCH_SOAK_RATE: vars.positiveInt.default(100),
  BENCH_SOAK_SECONDS: vars.positiveInt.default(180),
  /** Live sync: connected devices (one per owner) and the device processes holding them. */
  BENCH_LIVE_DEVICES: vars.positiveInt.default(2_000),
  BENCH_LIVE_PROCESSES: vars.positiveInt.default(2),
  /** Rounds of the burst scenarios (50 adds to one cart; 50 concurrent checkouts). */
  BENCH_BURST_ROUNDS: vars.positiveInt.default(3),
  /**
   * Tracing in every service process: `off` (the default: no SDK loaded), `default` (spans exported
   * to an in-bench OTLP sink at the services' default sampling, OTEL_TRACES_SAMPLER_ARG 0.05) or
   * `all` (every request sampled). Run a scenario with each to see what tracing costs.
   */
  BENCH_TRACING: z.enum(['off', 'default', 'all']).default('off'),
  /** When set, every service process writes a V8 CPU profile (`--cpu-prof`) under `<dir>/<process>/` when it stops. */
  BENCH_CPU_PROFILE_DIR: z.string().optional(),
  /**
   * When set, the services publish to a NATS JetStream stream of the run's own (deleted at the
   * end) and run every stream consumer (webhooks, reminders, analytics, recommendations), to
   * compare the request paths with and without them. Unset: no stream, as before.
   */
  BENCH_NATS_URL: z.string().optional(),
  /** The NATS server `consumers-cost` streams to when `BENCH_NATS_URL` is unset (the tests' server). */
  TEST_NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  /** Where the bench makes its database (from the e2e template) and its Redis key prefix. */
  TEST_DATABASE_URL: vars.postgresUrl.default('postgresql://postgres@127.0.0.1:5432/postgres'),
  TEST_REDIS_URL: vars.redisUrl.default('redis://127.0.0.1:6379/0'),
  /** Where the launcher's own relative `--json` paths are resolved (npm sets it to the caller's folder). */
  INIT_CWD: z.string().optional(),
};

export type BenchSettings = ReturnType<typeof loadBenchSettings>;

/** Reads and validates the bench's variables. */
export function loadBenchSettings(env: Env = process.env) {
  const config = loadConfig(benchShape, env);
  return {
    ...config,
    /** What a child process needs from our environment to run Node at all (nothing secret). */
    childEnv: { PATH: env.PATH ?? '/usr/bin:/bin', HOME: env.HOME ?? '/tmp', ...(env.TZ ? { TZ: env.TZ } : {}) },
  };
}
