/**
 * The circuit breaker around the flash-sale order path (cockatiel). A call that throws, ends
 * with the payment provider unavailable, or takes longer than `slowMs` counts as a failure;
 * `failures` in a row open the circuit for `openMs`, during which calls are refused at once
 * (the caller answers `TryAgainLater`), so a struggling saga, database or provider is not
 * buried under a flash crowd and the rest of the site keeps its connections and latency. After
 * `openMs` one probe runs (half-open): its success closes the circuit, its failure reopens it.
 */
import { performance } from 'node:perf_hooks';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';

export interface BreakerSettings {
  failures: number;
  openMs: number;
  slowMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The circuit is open: the call was not made. */
export class OrderPathOpen extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('the flash-sale order path is open (shedding load)');
    this.name = 'OrderPathOpen';
  }
}

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

export interface OrderPathBreaker {
  /** Runs `fn` through the breaker; `failed` says which answers count as failures. Throws `OrderPathOpen` while open. */
  run<T>(fn: () => Promise<T>, failed: (value: T) => boolean): Promise<T>;
  readonly state: BreakerState;
}

/** A breaker with `settings`; `onState` hears every transition (for metrics). */
export function createOrderPathBreaker(settings: BreakerSettings, onState: (state: BreakerState) => void = () => undefined): OrderPathBreaker {
  const policy = circuitBreaker(
    handleAll.orWhenResult((r) => (r as { failed?: boolean }).failed === true),
    { halfOpenAfter: settings.openMs, breaker: new ConsecutiveBreaker(settings.failures) },
  );
  let openedAt = 0;
  policy.onBreak(() => (openedAt = Date.now()));
  policy.onStateChange((state) => onState(STATE_NAMES[state]));
  return {
    get state() {
      return STATE_NAMES[policy.state];
    },
    async run(fn, failed) {
      try {
        const outcome = await policy.execute(async () => {
          const started = performance.now();
          const value = await fn();
          return { value, failed: failed(value) || performance.now() - started > settings.slowMs };
        });
        return outcome.value;
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw new OrderPathOpen(Math.max(1, Math.ceil((openedAt + settings.openMs - Date.now()) / 1000)));
        throw error;
      }
    },
  };
}
