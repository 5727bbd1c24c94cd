/** Entry point of the gateway: tracing first (when configured it patches the libraries as they load), then the service. */
import { bootTelemetry } from '@platform/telemetry';

await bootTelemetry('gateway');
const { runMain } = await import('@platform/server');
const { loadGatewayConfig } = await import('./config.ts');
const { startGateway } = await import('./app.ts');

await runMain('gateway', () => loadGatewayConfig(), startGateway);
