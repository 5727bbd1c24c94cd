/**
 * Turns a subscriber's `subscription { flashSaleTicket(saleId: …) { … } }` into the same
 * selection under `Query.flashSaleTicket`, which takes the same argument and returns the same
 * type: each update is then the subscriber's own selection, resolved through the supergraph as
 * its owner (the purchase token only ever goes to the ticket's owner). Also finds the sale the
 * subscription is about, with the client's variables applied.
 */
import type { DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode, SelectionNode } from 'graphql';
import { dependencies, lift, withTypenames } from './cart-query.ts';
import { graphql } from '../graphql.ts';

const { GraphQLID, Kind, OperationTypeNode, print, valueFromAST } = graphql;

export const FLASH_TICKET_FIELD = 'flashSaleTicket';

export interface TicketQuery {
  text: string;
  /** The subscriber's variables that the selection uses. */
  variables: Record<string, unknown>;
  /** The sale the subscriber follows (the root field's `saleId`). */
  saleId: string;
}

/** The ticket query of an admitted `flashSaleTicket` subscription; `undefined` when its sale id cannot be read. */
export function ticketQueryFor(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): TicketQuery | undefined {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const selections: SelectionNode[] = lift(operation.selectionSet, [FLASH_TICKET_FIELD], fragments);
  const root = selections.find((s): s is FieldNode => s.kind === Kind.FIELD);
  const argument = root?.arguments?.find((a) => a.name.value === 'saleId');
  const saleId = argument ? valueFromAST(argument.value, GraphQLID, variables) : undefined;
  if (typeof saleId !== 'string') return undefined;
  const used = dependencies(selections, fragments);
  const query: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: OperationTypeNode.QUERY,
    name: { kind: Kind.NAME, value: 'FlashSaleTicketUpdated' },
    variableDefinitions: (operation.variableDefinitions ?? []).filter((d) => used.variables.has(d.variable.name.value)),
    selectionSet: { kind: Kind.SELECTION_SET, selections },
  };
  return {
    text: print(withTypenames(schema, { kind: Kind.DOCUMENT, definitions: [query, ...used.fragments] })),
    variables: Object.fromEntries([...used.variables].filter((n) => n in variables).map((n) => [n, variables[n]])),
    saleId,
  };
}
