/** Entry point of the order subgraph. */
import { runMain } from '@platform/server';
import { loadOrderConfig } from './config.ts';
import { startOrderSubgraph } from './app.ts';

await runMain('order', () => loadOrderConfig(), startOrderSubgraph);
