/**
 * Typed documents (TypedDocumentNode) for every operation in `operations/`, generated from the
 * composed public API by `npm run codegen`. Partners and tests use them to get typed results.
 */
export * from './generated/graphql.ts';
