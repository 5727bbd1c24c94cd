/** The cart subgraph's contracts with other services: internal operations and live-sync messages. */
export * from './internal.ts';
export * from './events.ts';
