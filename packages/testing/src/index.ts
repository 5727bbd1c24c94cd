export * from './database.ts';
export * from './client.ts';
export * from './stack.ts';
