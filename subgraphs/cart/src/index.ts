/** Entry point of the cart subgraph. */
import { runMain } from '@platform/server';
import { loadCartConfig } from './config.ts';
import { startCartSubgraph } from './app.ts';

await runMain('cart', () => loadCartConfig(), startCartSubgraph);
