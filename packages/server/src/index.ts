export * from './http.ts';
export * from './metrics.ts';
export * from './readiness.ts';
export * from './subgraph.ts';
export * from './prisma.ts';
export * from './main.ts';
export * from './scalars.ts';
export * from './jobs.ts';
