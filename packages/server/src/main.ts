/**
 * The entry point every service shares: load configuration (exit 1 with the message naming the
 * bad variable), create the logger, start, and drain on SIGTERM/SIGINT before exiting 0.
 */
import { ConfigError } from '@platform/config';
import { createLogger, type Logger } from '@platform/logger';
import { stopTelemetry } from '@platform/telemetry';

interface LoggingConfig {
  NODE_ENV: string;
  LOG_LEVEL: string;
  LOG_PRETTY?: boolean | undefined;
}

export async function runMain<C extends LoggingConfig>(name: string, load: () => C, start: (config: C, logger: Logger) => Promise<{ stop(): Promise<void> }>): Promise<void> {
  let config: C;
  try {
    config = load();
  } catch (error) {
    console.error(`${name}: ${error instanceof ConfigError ? error.message : String(error)}`);
    process.exit(1);
  }
  const logger = createLogger(name, { level: config.LOG_LEVEL, pretty: config.LOG_PRETTY ?? config.NODE_ENV !== 'production' });
  try {
    const service = await start(config, logger);
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'draining');
      const force = setTimeout(() => process.exit(1), 15_000).unref();
      await service.stop();
      // The last spans (the drain's own requests) leave before the process does.
      await stopTelemetry();
      clearTimeout(force);
      process.exit(0);
    };
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));
  } catch (error) {
    logger.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }
}
