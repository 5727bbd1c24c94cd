/**
 * One circuit breaker per downstream dependency of a service (cockatiel): `failures` calls in a
 * row that got no answer (timeouts, refused or reset connections, 5xx) open the circuit for
 * `openMs`, during which calls fail at once instead of waiting out their timeout; then one probe
 * runs (half-open), and its success closes the circuit. Answers, including refusals, are not
 * failures. State per dependency is in `/metrics` (`dependency_circuit_state`, 0 closed,
 * 1 half-open, 2 open; `dependency_circuit_transitions_total`).
 */
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { Metrics } from './metrics.ts';

export interface BreakerSettings {
  /** Unanswered calls in a row that open the circuit. */
  failures: number;
  /** How long it stays open before one probe. */
  openMs: number;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open';

const NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};
const GAUGE_VALUE: Record<CircuitStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

/** The circuit to `dependency` is open: the call was not made. */
export class CircuitOpenError extends Error {
  constructor(
    readonly dependency: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`the circuit to ${dependency} is open`);
    this.name = 'CircuitOpenError';
  }
}

export interface DependencyBreaker {
  readonly dependency: string;
  readonly state: CircuitStateName;
  /** Runs `fn`; an error for which `unanswered` is true counts as a failure. Throws `CircuitOpenError` while open. */
  run<T>(fn: () => Promise<T>, unanswered: (error: unknown) => boolean): Promise<T>;
}

export interface Breakers {
  /** This service's breaker for `dependency` (created on first use). */
  for(dependency: string): DependencyBreaker;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = { failures: 5, openMs: 5_000 };

/** The breakers of one service, reported in its `metrics`. */
export function createBreakers(metrics: Metrics, settings: BreakerSettings = DEFAULT_BREAKER_SETTINGS): Breakers {
  const breakers = new Map<string, DependencyBreaker>();
  const transitions = metrics.counter('dependency_circuit_transitions_total', 'Circuit breaker transitions per downstream dependency, by the state entered', ['dependency', 'to']);
  const gauge = metrics.gauge('dependency_circuit_state', 'Circuit breaker state per downstream dependency: 0 closed, 1 half-open, 2 open', ['dependency']);
  return {
    for(dependency) {
      let breaker = breakers.get(dependency);
      if (breaker) return breaker;
      const policy: CircuitBreakerPolicy = circuitBreaker(
        handleWhen((error) => !(error instanceof CircuitOpenError) && (error as { unanswered?: boolean }).unanswered === true),
        { halfOpenAfter: settings.openMs, breaker: new ConsecutiveBreaker(settings.failures) },
      );
      gauge.set({ dependency }, 0);
      policy.onStateChange((state) => {
        gauge.set({ dependency }, GAUGE_VALUE[NAMES[state]]);
        transitions.inc({ dependency, to: NAMES[state] });
      });
      const retryAfter = Math.max(1, Math.ceil(settings.openMs / 1000));
      breaker = {
        dependency,
        get state() {
          return NAMES[policy.state];
        },
        async run(fn, unanswered) {
          try {
            return await policy.execute(async () => {
              try {
                return await fn();
              } catch (error) {
                throw unanswered(error) ? new Unanswered(error) : error;
              }
            });
          } catch (error) {
            if (error instanceof BrokenCircuitError) throw new CircuitOpenError(dependency, retryAfter);
            throw error instanceof Unanswered ? error.cause : error;
          }
        },
      };
      breakers.set(dependency, breaker);
      return breaker;
    },
  };
}

/** Carries an unanswered call's error through the policy, marked as a failure. */
class Unanswered extends Error {
  readonly unanswered = true;
  constructor(override readonly cause: unknown) {
    super('unanswered');
  }
}
