/** Entry point of the pricing subgraph. */
import { runMain } from '@platform/server';
import { loadPricingConfig } from './config.ts';
import { startPricingSubgraph } from './app.ts';

await runMain('pricing', () => loadPricingConfig(), startPricingSubgraph);
