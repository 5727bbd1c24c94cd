/** Entry point of the order subgraph: tracing first (when configured it patches the libraries as they load), then the service. */
import { bootTelemetry } from '@platform/telemetry';

await bootTelemetry('order');
const { runMain } = await import('@platform/server');
const { loadOrderConfig } = await import('./config.ts');
const { startOrderSubgraph } = await import('./app.ts');

await runMain('order', () => loadOrderConfig(), startOrderSubgraph);
