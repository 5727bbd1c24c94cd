/**
 * The one logger: pino, JSON in production, one readable line per event for humans
 * (`LOG_PRETTY=true`, the default outside production). Secrets in headers are redacted.
 */
import { trace } from '@opentelemetry/api';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export interface LoggerSettings {
  level?: string;
  pretty?: boolean;
  /** Where lines go instead of stdout (tests read them). */
  destination?: pino.DestinationStream;
}

/**
 * Every line written while serving a traced request names its trace (`trace_id`, `span_id`), read
 * from the active OpenTelemetry span. With tracing off there is no active span and the line is unchanged.
 */
function traceMixin(): object {
  const span = trace.getActiveSpan();
  // A new object each time: pino merges the line's own fields into it.
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** A compact human line: `12:00:01.123 INFO  message key=value`, written synchronously to stdout. */
function prettyStream(): pino.DestinationStream {
  return {
    write(line: string) {
      const { level, time, msg, service: _service, pid: _pid, hostname: _host, err, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const at = new Date(Number(time)).toISOString().slice(11, 23);
      const extras = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      const errText = err && typeof err === 'object' ? ` ${(err as { stack?: string; message?: string }).stack ?? (err as { message?: string }).message}` : '';
      process.stdout.write(`${at} ${(LEVEL_NAMES[Number(level)] ?? String(level)).padEnd(5)} ${msg ?? ''}${extras ? ` ${extras}` : ''}${errText}\n`);
    },
  };
}

/** Creates the logger of one service. */
export function createLogger(service: string, settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service },
    mixin: traceMixin,
    // Emails are personal data: whatever logs an identity or a recipient, the address never reaches a log.
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-guest-token"]', 'req.headers["x-platform-identity"]', 'headers.authorization', 'email', '*.email', '*.*.email'],
      censor: '[redacted]',
    },
  };
  if (settings.destination) return pino(options, settings.destination);
  return settings.pretty ? pino(options, prettyStream()) : pino(options);
}
