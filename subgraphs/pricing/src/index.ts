/** Entry point of the pricing subgraph: tracing first (when configured it patches the libraries as they load), then the service. */
import { bootTelemetry } from '@platform/telemetry';

await bootTelemetry('pricing');
const { runMain } = await import('@platform/server');
const { loadPricingConfig } = await import('./config.ts');
const { startPricingSubgraph } = await import('./app.ts');

await runMain('pricing', () => loadPricingConfig(), startPricingSubgraph);
