/**
 * Builds the `next` payload a subscriber receives: its own subscription document executed over
 * the event (version, type) and the cart read for it. The read is keyed by response key (the
 * lifted query kept the client's aliases), so each field reads its own key; graphql-js then
 * applies the client's fragments, directives and `__typename`s and returns exactly its shape.
 */
import type { ExecutionResult, GraphQLError, GraphQLFieldResolver, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { CartRead } from './cart-reader.ts';
import { graphql } from '../graphql.ts';
import type { CartEventMessage } from './messages.ts';
import type { CartUpdatePlan } from './operation.ts';

interface UpdateSource {
  version: number;
  type: string;
  carts: Record<string, unknown>;
}

const readByResponseKey: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) => {
  const parent = info.parentType.name;
  if (parent === 'Subscription') return (source as Record<string, unknown>)[info.fieldName];
  if (parent === 'CartUpdate') {
    const update = source as UpdateSource;
    return info.fieldName === 'cart' ? update.carts[info.path.key as string] : update[info.fieldName as keyof UpdateSource];
  }
  return source === null || typeof source !== 'object' ? undefined : (source as Record<string, unknown>)[info.path.key as string];
};

/** Re-roots an error of the lifted query (`cart.lines.0…`) under the subscription's root field. */
function reroot(error: GraphQLFormattedError, rootKey: string): GraphQLError {
  return new graphql.GraphQLError(error.message, { path: error.path ? [rootKey, ...error.path] : null, extensions: error.extensions ?? {} });
}

/**
 * The payload for one event, or `undefined` when there is nothing to send: the cart is gone
 * (deleted between commit and read) and nothing went wrong.
 */
export async function renderUpdate(schema: GraphQLSchema, plan: CartUpdatePlan, event: CartEventMessage, read: CartRead | undefined): Promise<ExecutionResult | undefined> {
  const carts = read?.data ?? {};
  if (plan.cart && !read?.errors.length && Object.values(carts).every((cart) => cart === null)) return undefined;
  const update: UpdateSource = { version: event.version, type: event.type, carts };
  const result: ExecutionResult = await graphql.execute({
    schema,
    document: plan.document,
    operationName: plan.operationName,
    variableValues: plan.variables,
    rootValue: { cartUpdated: update },
    fieldResolver: readByResponseKey,
  });
  // A failed read (a subgraph down) explains the nulls better than graphql-js's non-null errors.
  if (read?.errors.length) return { data: result.data ?? null, errors: read.errors.map((e) => reroot(e, plan.rootKey)) };
  return result;
}
