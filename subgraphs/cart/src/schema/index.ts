/** The subgraph's schema: the SDL of every module and their resolvers, merged type by type. */
import { mergeResolvers, moduleTypeDefs } from '@platform/server';
import type { Resolvers } from '../generated/graphql.ts';
import { cartResolvers } from './cart/resolvers.ts';
import { reminderResolvers } from './reminders/resolvers.ts';
import { analyticsResolvers } from './analytics/resolvers.ts';

export const typeDefs = moduleTypeDefs(new URL('./', import.meta.url), ['cart', 'reminders', 'analytics']);

export const resolvers = mergeResolvers<Resolvers>(cartResolvers, reminderResolvers, analyticsResolvers);
