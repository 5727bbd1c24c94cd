/**
 * Shedding what cannot be served in time, as `@fastify/under-pressure` does for Fastify: when
 * the event loop lags past a threshold, or too many requests are in flight, new requests are
 * answered at once with 503 and `Retry-After` instead of queueing behind the others; requests
 * already accepted keep their latency. Event-loop delay is the drift of a heartbeat timer (20
 * beats a second): how late the loop got round to it, the worst over the last half second.
 */

export interface SheddingSettings {
  /** Shed while the event loop's recent p99 delay is above this (0 = never for lag). */
  maxEventLoopDelayMs: number;
  /** Shed while this many requests are being served (0 = no cap). */
  maxInFlight: number;
  /** What `Retry-After` says. */
  retryAfterSeconds: number;
}

export interface LoadShedder {
  /** Why the next request would be shed right now, or undefined to serve it. */
  reason(): 'event-loop' | 'in-flight' | undefined;
  /** Counts a request in flight until `done` is called. */
  enter(): () => void;
  /** The event loop's worst delay over the last half second, in ms. */
  lagMs(): number;
  readonly retryAfterSeconds: number;
  stop(): void;
}

export function createLoadShedder(settings: SheddingSettings, beatMs = 50, windowBeats = 10): LoadShedder {
  const drifts: number[] = [];
  let lag = 0;
  let inFlight = 0;
  let expected = performance.now() + beatMs;
  const timer = setInterval(() => {
    const now = performance.now();
    drifts.push(Math.max(0, now - expected));
    if (drifts.length > windowBeats) drifts.shift();
    lag = Math.max(...drifts);
    expected = now + beatMs;
  }, beatMs);
  timer.unref();
  return {
    retryAfterSeconds: settings.retryAfterSeconds,
    reason() {
      if (settings.maxInFlight > 0 && inFlight >= settings.maxInFlight) return 'in-flight';
      if (settings.maxEventLoopDelayMs > 0 && lag > settings.maxEventLoopDelayMs) return 'event-loop';
      return undefined;
    },
    enter() {
      inFlight += 1;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        inFlight -= 1;
      };
    },
    lagMs: () => lag,
    stop() {
      clearInterval(timer);
    },
  };
}
