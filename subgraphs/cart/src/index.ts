/** Entry point of the cart subgraph: tracing first (when configured it patches the libraries as they load), then the service. */
import { bootTelemetry } from '@platform/telemetry';

await bootTelemetry('cart');
const { runMain } = await import('@platform/server');
const { loadCartConfig } = await import('./config.ts');
const { startCartSubgraph } = await import('./app.ts');

await runMain('cart', () => loadCartConfig(), startCartSubgraph);
