/**
 * @cart-platform/sdk: the cart platform's public GraphQL API for partners, devices and
 * storefronts. See README.md.
 */
export { createCartClient } from './client.ts';
export type { CallOptions, CartApiMethods, CartClient, CartClientOptions, ResultOf, TokenSource, VariablesOf } from './client.ts';
export { CartApiError, CartNetworkError } from './errors.ts';
export type { GraphQLErrorEntry } from './errors.ts';
export type { CartEvent, CartEventType, CartSubscription, CartUpdate, LiveCart, LiveStatus, SubscribeOptions } from './live.ts';
export { CartVersionGate } from './cart-sync.ts';
export type { GateDecision, VersionedCart } from './cart-sync.ts';
export { operations } from './generated/operations.ts';
export type { OperationSpec, OperationTypes } from './generated/operations.ts';
export { DEFAULT_RETRY, parseRetryAfter, retryDelay } from './retry.ts';
export type { RetryOptions } from './retry.ts';
export type { RetryInfo } from './transport.ts';
