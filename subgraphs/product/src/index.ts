/** Entry point of the product subgraph. */
import { runMain } from '@platform/server';
import { loadProductConfig } from './config.ts';
import { startProductSubgraph } from './app.ts';

await runMain('product', () => loadProductConfig(), startProductSubgraph);
