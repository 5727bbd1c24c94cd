import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createArmor } from '../limits.ts';
import { graphql } from '../graphql.ts';
import { planSubscription } from './operation.ts';

const schema = graphql.buildSchema(readFileSync(new URL('../../../schema/api.graphql', import.meta.url), 'utf8'));
const limits = createArmor({ MAX_QUERY_DEPTH: 12 }).protect().validationRules;
const SALE = '0190a0f0-0000-7000-8000-000000000001';

function plan(query: string, variables?: Record<string, unknown>) {
  const result = planSubscription(schema, limits, { query, variables: variables ?? null });
  if ('errors' in result) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.plan;
}

describe('the ticket query lifted from a flashSaleTicket subscription', () => {
  it('keeps the subscriber’s selection, aliases and fragments under Query.flashSaleTicket, with the sale from a variable', () => {
    const { ticket, rootField, rootKey, cart } = plan(
      `subscription Follow($sale: ID!, $withSale: Boolean!) { mine: flashSaleTicket(saleId: $sale) { ...T place: position } }
       fragment T on FlashSaleTicket { status sale @include(if: $withSale) { remaining } }`,
      { sale: SALE, withSale: false },
    );
    expect([rootField, rootKey, cart]).toEqual(['flashSaleTicket', 'mine', undefined]);
    expect(ticket?.saleId).toBe(SALE);
    expect(ticket?.variables).toEqual({ sale: SALE, withSale: false });
    expect(graphql.stripIgnoredCharacters(ticket!.text)).toBe(
      graphql.stripIgnoredCharacters(
        'query FlashSaleTicketUpdated($sale: ID!, $withSale: Boolean!) { mine: flashSaleTicket(saleId: $sale) { ...T place: position } } fragment T on FlashSaleTicket { status sale @include(if: $withSale) { remaining } }',
      ),
    );
  });

  it('reads a literal sale id, and refuses a subscription whose variables do not coerce', () => {
    expect(plan(`subscription { flashSaleTicket(saleId: "${SALE}") { status } }`).ticket?.saleId).toBe(SALE);
    const refused = planSubscription(schema, limits, { query: 'subscription ($s: ID!) { flashSaleTicket(saleId: $s) { status } }', variables: {} });
    expect('errors' in refused ? refused.errors.map((e) => e.extensions.code) : []).toEqual(['BAD_USER_INPUT']);
  });
});
