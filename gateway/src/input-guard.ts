/**
 * Strings no database can store (NUL, lone surrogates; see `@platform/server` unstorable.ts) in
 * a document's literals: the gateway refuses them with BAD_USER_INPUT naming the argument, as it
 * does for variables, before anything runs.
 */
import type { ArgumentNode, DocumentNode, ValueNode } from 'graphql';
import { isUnstorable } from '@platform/server';
import { graphql } from './graphql.ts';

function literalPath(node: ValueNode, path: string): string | undefined {
  switch (node.kind) {
    case graphql.Kind.STRING:
      return isUnstorable(node.value) ? path : undefined;
    case graphql.Kind.LIST:
      for (let i = 0; i < node.values.length; i++) {
        const found = literalPath(node.values[i]!, `${path}.${i}`);
        if (found) return found;
      }
      return undefined;
    case graphql.Kind.OBJECT:
      for (const field of node.fields) {
        const found = literalPath(field.value, `${path}.${field.name.value}`);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** The argument path of the first unstorable string literal in a document, e.g. `addCartLine.input.options.size`. */
export function unstorableLiteral(document: DocumentNode): string | undefined {
  let found: string | undefined;
  graphql.visit(document, {
    Field(field) {
      for (const argument of field.arguments ?? ([] as readonly ArgumentNode[])) {
        found ??= literalPath(argument.value, `${field.name.value}.${argument.name.value}`);
      }
      if (found) return graphql.BREAK;
    },
  });
  return found;
}
