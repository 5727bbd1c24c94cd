/**
 * The OpenTelemetry Node SDK, loaded only when tracing is on: OTLP over HTTP (JSON), a
 * parent-based ratio sampler, W3C trace context, and the http (incoming requests), undici
 * (subgraph fetches and internal calls), pg, ioredis and graphql instrumentations. SQL and Redis
 * spans are recorded only inside a request's trace, so background polls (relays, sweeps) do not
 * fill the exporter with one-span traces.
 *
 * The services are ES modules run by tsx, and the instrumented libraries are CommonJS: the
 * instrumentations patch a library when it is `require`d after `start()`. Requiring each of them
 * here, once, patches the very module objects (and prototypes) the ES imports share.
 */
import { createRequire } from 'node:module';
import type { IncomingMessage } from 'node:http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import type { Telemetry, TelemetryConfig } from './index.ts';

/** Probes and scrapes are not worth a trace. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

function tracesUrl(endpoint: string): string {
  return endpoint.endsWith('/v1/traces') ? endpoint : `${endpoint.replace(/\/$/, '')}/v1/traces`;
}

/** Starts the SDK for `service`; see the module comment. */
export function startSdk(service: string, config: TelemetryConfig): Telemetry {
  const processor = new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl(config.OTEL_EXPORTER_OTLP_ENDPOINT!) }), scheduledDelayMillis: config.OTEL_BSP_SCHEDULE_DELAY });
  const sdk = new NodeSDK({
    serviceName: service,
    autoDetectResources: false,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG) }),
    spanProcessors: [processor],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED_PATHS.has((req.url ?? '/').split('?')[0]!),
        // Outgoing node:http is only the exporter itself (services call each other over undici).
        ignoreOutgoingRequestHook: () => true,
        headersToSpanAttributes: {},
      }),
      new UndiciInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      // Parse, validate and execute spans only: wrapping every field resolver would add work to
      // every field of every request, sampled or not.
      new GraphQLInstrumentation({ ignoreResolveSpans: true, mergeItems: true, depth: 2 }),
    ],
  });
  sdk.start();
  const require = createRequire(import.meta.url);
  for (const name of ['node:http', 'pg', 'ioredis', 'graphql']) require(name);
  return {
    flush: () => processor.forceFlush(),
    shutdown: () => sdk.shutdown(),
  };
}
