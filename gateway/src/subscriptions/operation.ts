/**
 * Admission of a subscription document: parsed with the gateway's token limit, validated against
 * the public API schema with the specification's rules plus the gateway's query limits (depth,
 * aliases, cost, directives), one subscription operation whose root field this gateway serves,
 * and variables that coerce. The result is a plan: how to resolve each update for this subscriber.
 */
import type { DocumentNode, FragmentDefinitionNode, GraphQLError, GraphQLSchema, SelectionSetNode, ValidationRule } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { MAX_TOKENS } from '../limits.ts';
import { cartQueryFor, type CartQuery } from './cart-query.ts';
import { FLASH_TICKET_FIELD, ticketQueryFor, type TicketQuery } from './flash-ticket-query.ts';
import { graphql } from '../graphql.ts';

const { getOperationAST, getVariableValues, Kind, OperationTypeNode, parse, specifiedRules, validate } = graphql;

/** Root fields of `Subscription` this gateway serves. */
export const SERVED_ROOT_FIELDS = new Set(['cartUpdated', FLASH_TICKET_FIELD]);

/** How to resolve each update for one subscriber: `cartUpdated` (with `cart`) or `flashSaleTicket` (with `ticket`). */
export interface CartUpdatePlan {
  document: DocumentNode;
  operationName: string | undefined;
  /** The variables as the client sent them. */
  variables: Record<string, unknown>;
  /** The response key of the root field (its alias, or `cartUpdated`). */
  rootKey: string;
  /** The query resolving the selected cart fields, with its variables; absent when none are selected. */
  cart: { text: string; variables: Record<string, unknown> } | undefined;
  /** The root field subscribed to. */
  rootField?: string;
  /** For `flashSaleTicket`: the query resolving the subscriber's selection of its ticket. */
  ticket?: TicketQuery;
}

const requestError = (message: string, code: string) => new graphql.GraphQLError(message, { extensions: { code } });

/** The single root field, looking through fragments (validation has already made it single). */
function rootField(set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): { name: string; key: string } | undefined {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) return { name: selection.name.value, key: selection.alias?.value ?? selection.name.value };
    const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)?.selectionSet;
    const found = inner && rootField(inner, fragments);
    if (found) return found;
  }
  return undefined;
}

/** Tags errors with a code; schema hints ("Did you mean …?") are dropped as they are over HTTP. */
function withCode(errors: readonly GraphQLError[], code: string): GraphQLError[] {
  return errors.map((e) => new graphql.GraphQLError(e.message.replace(/ Did you mean .*\?$/, ''), { nodes: e.nodes ?? null, source: e.source ?? null, positions: e.positions ?? null, extensions: { ...e.extensions, code } }));
}

/** Validates a `subscribe` message; returns the plan or the errors to send back. */
export function planSubscription(schema: GraphQLSchema, limits: readonly ValidationRule[], payload: SubscribePayload): { plan: CartUpdatePlan } | { errors: GraphQLError[] } {
  if (typeof payload.query !== 'string' || payload.query.length === 0) return { errors: [requestError('A subscription needs a query document.', 'BAD_REQUEST')] };
  let document: DocumentNode;
  try {
    document = parse(payload.query, { maxTokens: MAX_TOKENS });
  } catch (error) {
    if (error instanceof graphql.GraphQLError) return { errors: withCode([error], 'GRAPHQL_PARSE_FAILED') };
    throw error;
  }
  const invalid = validate(schema, document, [...specifiedRules, ...limits]);
  if (invalid.length) return { errors: withCode(invalid, 'GRAPHQL_VALIDATION_FAILED') };

  const operation = getOperationAST(document, payload.operationName ?? undefined);
  if (!operation) return { errors: [requestError('Name the operation to run (operationName) when the document holds several.', 'OPERATION_RESOLUTION_FAILURE')] };
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION) return { errors: [requestError('Only subscriptions are served over WebSocket; send queries and mutations over HTTP.', 'BAD_REQUEST')] };
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const root = rootField(operation.selectionSet, fragments);
  if (!root || !SERVED_ROOT_FIELDS.has(root.name)) return { errors: [requestError(`Subscription field "${root?.name ?? '?'}" is not served.`, 'GRAPHQL_VALIDATION_FAILED')] };

  const variables = payload.variables ?? {};
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 10 });
  if (coerced.errors) return { errors: withCode(coerced.errors, 'BAD_USER_INPUT') };

  if (root.name === FLASH_TICKET_FIELD) {
    const ticket = ticketQueryFor(schema, document, operation, coerced.coerced);
    if (!ticket) return { errors: [requestError('`saleId` must be a flash sale id.', 'BAD_USER_INPUT')] };
    return { plan: { document, operationName: operation.name?.value, variables, rootKey: root.key, cart: undefined, rootField: root.name, ticket } };
  }

  const query: CartQuery | undefined = cartQueryFor(schema, document, operation);
  return {
    plan: {
      document,
      operationName: operation.name?.value,
      variables,
      rootKey: root.key,
      rootField: root.name,
      cart: query && { text: query.text, variables: Object.fromEntries(query.variableNames.filter((n) => n in variables).map((n) => [n, variables[n]])) },
    },
  };
}
