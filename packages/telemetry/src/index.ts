/**
 * Distributed tracing (OpenTelemetry), off unless an OTLP endpoint is configured. This module is
 * what every service imports; it only touches `@opentelemetry/api`, whose calls are no-ops while
 * no SDK is registered, so with tracing off the SDK and its instrumentations are never loaded and
 * a request pays nothing for them. `startTelemetry` loads `sdk.ts` when tracing is on.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { ConfigError, loadConfig, vars, z, type Env } from '@platform/config';

export const telemetryShape = {
  /** Where spans go (OTLP over HTTP, e.g. `http://collector:4318`); unset = tracing off. `/v1/traces` is appended unless present. */
  OTEL_EXPORTER_OTLP_ENDPOINT: vars.url.optional(),
  /** Share of new traces sampled (parent-based: a sampled or unsampled caller decides for its trace). */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(0.05),
  /** `true` turns tracing off even with an endpoint set. */
  OTEL_SDK_DISABLED: vars.bool.default(false),
  /** Longest the exporter waits before sending a batch of spans. */
  OTEL_BSP_SCHEDULE_DELAY: vars.positiveInt.default(2_000),
};

export type TelemetryConfig = z.infer<z.ZodObject<typeof telemetryShape>>;

/** Reads the tracing variables (see README, "Observability"). */
export function loadTelemetryConfig(env: Env = process.env): TelemetryConfig {
  return loadConfig(telemetryShape, env);
}

export interface Telemetry {
  /** Sends every finished span now (tests, and before exit). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let running: Telemetry | undefined;

/**
 * Starts tracing for this process when configured, before the modules it instruments are used
 * (call it first in an entry point and import the service after it). Idempotent: one SDK per process.
 */
export async function startTelemetry(service: string, env: Env = process.env): Promise<Telemetry | undefined> {
  if (running) return running;
  const config = loadTelemetryConfig(env);
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT || config.OTEL_SDK_DISABLED) return undefined;
  const { startSdk } = await import('./sdk.ts');
  running = startSdk(service, config);
  return running;
}

/**
 * An entry point's first line: starts tracing when configured, or exits 1 with the message naming
 * the bad variable (like the services' own configuration).
 */
export async function bootTelemetry(service: string): Promise<void> {
  try {
    await startTelemetry(service);
  } catch (error) {
    console.error(`${service}: ${error instanceof ConfigError ? error.message : String(error)}`);
    process.exit(1);
  }
}

/** Flushes and stops the SDK if it runs (on shutdown). */
export async function stopTelemetry(): Promise<void> {
  const current = running;
  running = undefined;
  await current?.shutdown().catch(() => undefined);
}

/** Whether a tracer is registered (tracing on in this process). */
export const tracingEnabled = (): boolean => running !== undefined;

/**
 * Adds attributes to the span serving the current request (operation name, cart or order id):
 * ids of business objects only, never tokens or personal data. A no-op with tracing off.
 */
export function annotate(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** The active trace and span ids for log lines; undefined outside a traced request. */
export function traceIds(): { trace_id: string; span_id: string } | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/** The current context, to resume later (e.g. in a batch flushed on the next tick for another request). */
export const activeContext = (): Context => context.active();
export type TraceContext = Context;

/** Runs `fn` in `ctx`. */
export const withContext = <T>(ctx: Context, fn: () => T): T => context.with(ctx, fn);

const tracer = () => trace.getTracer('@platform/telemetry');

/**
 * Runs `fn` in a child span named `name` (an internal call, a subgraph fetch) when a traced request
 * is active; otherwise just runs it. Errors mark the span and pass through.
 */
export async function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  if (!running || !trace.getActiveSpan()) return fn();
  return tracer().startActiveSpan(name, { attributes }, async (span: Span) => {
    try {
      return await fn();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: 2, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The W3C `traceparent` of the current span, or null outside a traced request (stored with outbox rows). */
export function currentTraceparent(): string | null {
  if (!running) return null;
  return traceHeaders().traceparent ?? null;
}

/**
 * Runs `send` in a producer span continuing `traceparent` (a request's, stored with an outbox row)
 * and gives it the headers naming that span. Without tracing or a stored parent: no span, no headers.
 */
export async function inProducerSpan<T>(traceparent: string | null | undefined, name: string, attributes: Attributes, send: (headers: Record<string, string>) => Promise<T>): Promise<T> {
  if (!running || !traceparent) return send({});
  const parent = propagation.extract(ROOT_CONTEXT, { traceparent });
  const span = tracer().startSpan(name, { kind: SpanKind.PRODUCER, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => send(traceHeaders()));
  } catch (error) {
    span.setStatus({ code: 2, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

/** W3C trace-context headers of the current context (for carriers no instrumentation covers: stream messages). */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}
