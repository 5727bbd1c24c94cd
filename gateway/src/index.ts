/** Entry point of the gateway. */
import { runMain } from '@platform/server';
import { loadGatewayConfig } from './config.ts';
import { startGateway } from './app.ts';

await runMain('gateway', () => loadGatewayConfig(), startGateway);
