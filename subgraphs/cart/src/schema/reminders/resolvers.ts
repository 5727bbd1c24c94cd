/** Reminder preference resolvers: adapters to the reminder service. */
import type { Resolvers } from '../../generated/graphql.ts';

export const reminderResolvers: Resolvers = {
  Query: {
    cartReminders: (_, __, ctx) => ctx.services.reminders.enabled(ctx),
  },
  Mutation: {
    setCartReminders: (_, { enabled }, ctx) => ctx.services.reminders.setEnabled(ctx, { enabled }),
  },
};
