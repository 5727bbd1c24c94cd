export * from './identity.ts';
export * from './tokens.ts';
export * from './signed-identity.ts';
