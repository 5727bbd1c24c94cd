/**
 * Scalars shared by the subgraphs. `Decimal` is an exact decimal carried as a string (money is
 * never a float); `DateTime` and `JSON` come from graphql-scalars.
 */
import { GraphQLScalarType, Kind } from 'graphql';
import { badUserInput } from '@platform/errors';

export { GraphQLDateTime as DateTimeScalar, GraphQLJSON as JSONScalar } from 'graphql-scalars';

const DECIMAL = /^-?\d{1,12}(\.\d{1,4})?$/;

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL.test(value.trim())) throw badUserInput('A Decimal must be a string such as "29.99".');
  return value.trim();
}

export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'Exact decimal number as a string, e.g. "29.99"; never a float.',
  serialize: (value) => (typeof value === 'string' ? value : String(value)),
  parseValue: parseDecimal,
  parseLiteral: (ast) => parseDecimal(ast.kind === Kind.STRING ? ast.value : undefined),
});
