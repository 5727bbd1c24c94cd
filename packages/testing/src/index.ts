export * from './database.ts';
export * from './client.ts';
export * from './stack.ts';
export * from './tcp-proxy.ts';
export * from './fixtures.ts';
export * from './live.ts';
