/** Entry point of the product subgraph: tracing first (when configured it patches the libraries as they load), then the service. */
import { bootTelemetry } from '@platform/telemetry';

await bootTelemetry('product');
const { runMain } = await import('@platform/server');
const { loadProductConfig } = await import('./config.ts');
const { startProductSubgraph } = await import('./app.ts');

await runMain('product', () => loadProductConfig(), startProductSubgraph);
