/** The subgraph's schema: the SDL of every module and their resolvers, merged type by type. */
import { mergeResolvers, moduleTypeDefs } from '@platform/server';
import type { Resolvers } from '../generated/graphql.ts';
import { checkoutResolvers } from './checkout/resolvers.ts';
import { flashCheckoutResolvers } from './flash-checkout/resolvers.ts';
import { orderResolvers } from './orders/resolvers.ts';
import { webhookResolvers } from './webhooks/resolvers.ts';

export const typeDefs = moduleTypeDefs(new URL('./', import.meta.url), ['orders', 'checkout', 'flash-checkout', 'webhooks']);

export const resolvers = mergeResolvers<Resolvers>(orderResolvers, checkoutResolvers, flashCheckoutResolvers, webhookResolvers);
