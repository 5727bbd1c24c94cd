/** Webhook resolvers: adapters from GraphQL to the webhook service. */
import type { Resolvers } from '../../generated/graphql.ts';

export const webhookResolvers: Resolvers = {
  Query: {
    webhooks: (_, __, ctx) => ctx.services.webhooks.list(ctx),
    webhookDeliveries: (_, args, ctx) => ctx.services.webhooks.deliveries(ctx, args),
  },
  Mutation: {
    createWebhook: (_, { input }, ctx) => ctx.services.webhooks.create(ctx, input),
    setWebhookStatus: (_, args, ctx) => ctx.services.webhooks.setStatus(ctx, args),
    rotateWebhookSecret: (_, { id }, ctx) => ctx.services.webhooks.rotateSecret(ctx, id),
    deleteWebhook: (_, { id }, ctx) => ctx.services.webhooks.delete(ctx, id),
    redeliverWebhook: (_, { deliveryId }, ctx) => ctx.services.webhooks.redeliver(ctx, deliveryId),
  },
};
