/**
 * Turns a subscriber's `cartUpdated { … cart { … } }` into `query { cart { … } }`: the same
 * selection of the cart (aliases, arguments, directives, fragments), lifted to `Query.cart`, so
 * each update is resolved by the gateway's normal federated query path and carries exactly the
 * fields the subscriber asked for, product names, prices and cost included.
 */
import type { DirectiveNode, DocumentNode, FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode, SelectionNode, SelectionSetNode } from 'graphql';
import { graphql } from '../graphql.ts';

const { isAbstractType, Kind, OperationTypeNode, print, TypeInfo, visit, visitWithTypeInfo } = graphql;

/** The path from the subscription root to the cart: `Subscription.cartUpdated`, then `CartUpdate.cart`. */
const CART_PATH = ['cartUpdated', 'cart'] as const;

const selectionSet = (selections: readonly SelectionNode[]): SelectionSetNode => ({ kind: Kind.SELECTION_SET, selections });

/**
 * The selections under `path`, lifted out of their parents. A parent carrying `@include`/`@skip`
 * (a field, an inline fragment or a fragment spread) becomes an untyped inline fragment with the
 * same directives, which is valid at any level, so conditional selections stay conditional.
 */
export function lift(set: SelectionSetNode, path: readonly string[], fragments: ReadonlyMap<string, FragmentDefinitionNode>): SelectionNode[] {
  const lifted: SelectionNode[] = [];
  const keep = (selections: SelectionNode[], directives: readonly DirectiveNode[] | undefined) => {
    if (selections.length === 0) return;
    if (directives?.length) lifted.push({ kind: Kind.INLINE_FRAGMENT, directives, selectionSet: selectionSet(selections) });
    else lifted.push(...selections);
  };
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== path[0]) continue;
      if (path.length === 1) lifted.push(selection);
      else if (selection.selectionSet) keep(lift(selection.selectionSet, path.slice(1), fragments), selection.directives);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      keep(lift(selection.selectionSet, path, fragments), selection.directives);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) keep(lift(fragment.selectionSet, path, fragments), selection.directives);
    }
  }
  return lifted;
}

/** Fragment definitions reachable from `roots`, and the variables `roots` and those fragments use. */
export function dependencies(roots: readonly SelectionNode[], fragments: ReadonlyMap<string, FragmentDefinitionNode>) {
  const usedFragments = new Map<string, FragmentDefinitionNode>();
  const usedVariables = new Set<string>();
  const pending: SelectionNode[][] = [[...roots]];
  while (pending.length) {
    for (const node of pending.pop()!) {
      visit(node, {
        Variable: (v) => void usedVariables.add(v.name.value),
        FragmentSpread: (spread) => {
          const fragment = fragments.get(spread.name.value);
          if (!fragment || usedFragments.has(fragment.name.value)) return;
          usedFragments.set(fragment.name.value, fragment);
          pending.push([...fragment.selectionSet.selections]);
        },
      });
    }
  }
  return { fragments: [...usedFragments.values()], variables: usedVariables };
}

/** Adds `__typename` under abstract types so the lifted result can be re-shaped without guessing. */
export function withTypenames(schema: GraphQLSchema, document: DocumentNode): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet(node) {
        const parent = typeInfo.getParentType();
        if (!parent || !isAbstractType(parent)) return undefined;
        if (node.selections.some((s) => s.kind === Kind.FIELD && !s.alias && s.name.value === '__typename')) return undefined;
        return selectionSet([...node.selections, { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }]);
      },
    }),
  );
}

export interface CartQuery {
  /** The query text, printed once; Apollo's document cache parses and validates it once. */
  text: string;
  /** The subscriber's variables that the cart selection uses. */
  variableNames: readonly string[];
}

/**
 * The query that resolves the subscriber's selection of `CartUpdate.cart`, or `undefined` when
 * the subscription selects no cart fields (only `version`/`type`), so nothing needs executing.
 */
export function cartQueryFor(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): CartQuery | undefined {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const selections = lift(operation.selectionSet, CART_PATH, fragments);
  if (selections.length === 0) return undefined;
  const used = dependencies(selections, fragments);
  const query: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: OperationTypeNode.QUERY,
    name: { kind: Kind.NAME, value: 'CartUpdated' },
    variableDefinitions: (operation.variableDefinitions ?? []).filter((d) => used.variables.has(d.variable.name.value)),
    selectionSet: selectionSet(selections),
  };
  return {
    text: print(withTypenames(schema, { kind: Kind.DOCUMENT, definitions: [query, ...used.fragments] })),
    variableNames: [...used.variables],
  };
}
