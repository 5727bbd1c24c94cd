import { describe, expect, it } from 'vitest';
import type { SaleRow } from '../../data/flash-sales.ts';
import { estimatedWaitSeconds, publicStatus, saleStatus, validateSaleInput } from './rules.ts';
import { purchaseTokenOf, ticketIdOf, tokenMatches } from './tokens.ts';

const at = (iso: string) => new Date(`2027-01-01T${iso}Z`);
const sale: SaleRow = {
  id: '01900000-0000-7000-8000-000000000001',
  productId: '01900000-0000-7000-8000-000000000002',
  price: '9.90',
  currencyCode: 'SGD',
  allocation: 10,
  available: 10,
  held: 0,
  sold: 0,
  returned: 0,
  perBuyerLimit: 1,
  admissionsPerSecond: 4,
  queueOpensAt: at('10:00:00'),
  startsAt: at('10:10:00'),
  endsAt: at('11:00:00'),
  soldOutAt: null,
  endedAt: null,
  admittedThroughSeq: 0,
  admissionWindow: -1,
  admittedInWindow: 0,
  createdAt: at('09:00:00'),
};

describe('flash-sale rules', () => {
  it('moves a sale through SCHEDULED, QUEUEING, LIVE and ENDED by the clock, SOLD_OUT once nothing is unsold', () => {
    expect(['09:59:59', '10:00:00', '10:10:00', '11:00:00'].map((t) => saleStatus(sale, at(t)))).toEqual(['SCHEDULED', 'QUEUEING', 'LIVE', 'ENDED']);
    expect(saleStatus({ ...sale, available: 0, held: 1 }, at('10:20:00'))).toBe('LIVE');
    expect(saleStatus({ ...sale, available: 0, sold: 10 }, at('10:20:00'))).toBe('SOLD_OUT');
    expect(saleStatus({ ...sale, endedAt: at('10:30:00') }, at('10:20:00'))).toBe('ENDED');
  });

  it('shows a checkout in progress as ADMITTED, a lapsed token as EXPIRED and a ticket left waiting in a closed sale as SOLD_OUT', () => {
    const ticket = (status: Parameters<typeof publicStatus>[0]['status'], tokenExpiresAt: Date | null = null) => ({ status, tokenExpiresAt });
    expect(publicStatus(ticket('REDEEMING', at('10:21:00')), sale, at('10:20:00'))).toBe('ADMITTED');
    expect(publicStatus(ticket('ADMITTED', at('10:21:00')), sale, at('10:20:00'))).toBe('ADMITTED');
    expect(publicStatus(ticket('ADMITTED', at('10:20:00')), sale, at('10:20:00'))).toBe('EXPIRED');
    expect(publicStatus(ticket('WAITING'), { ...sale, soldOutAt: at('10:15:00') }, at('10:20:00'))).toBe('SOLD_OUT');
    expect(publicStatus(ticket('WAITING'), sale, at('10:20:00'))).toBe('WAITING');
  });

  it('estimates the wait from the start time and the admission rate', () => {
    expect([1, 4, 5, 9].map((p) => estimatedWaitSeconds(p, sale, at('10:09:50')))).toEqual([11, 11, 12, 13]);
    expect(estimatedWaitSeconds(9, sale, at('10:20:00'))).toBe(3);
  });

  it('normalises a valid sale input and names the first bad field', () => {
    const input = { productId: sale.productId.toUpperCase(), price: '9.9', allocation: 10, queueOpensAt: '2027-01-01T10:00:00Z', startsAt: '2027-01-01T10:10:00Z', endsAt: '2027-01-01T11:00:00Z' };
    expect(validateSaleInput(input, at('09:00:00'))).toMatchObject({ productId: sale.productId, price: '9.90', perBuyerLimit: 1, admissionsPerSecond: 50 });
    const field = (change: object) => {
      try {
        validateSaleInput({ ...input, ...change }, at('09:00:00'));
        return undefined;
      } catch (error) {
        return (error as { extensions?: { field?: string } }).extensions?.field;
      }
    };
    expect([field({ price: 'abc' }), field({ perBuyerLimit: 11 }), field({ allocation: 1.5 }), field({ endsAt: 'later' })]).toEqual(['input.price', 'input.perBuyerLimit', 'input.allocation', 'input.endsAt']);
  });
});

describe('purchase tokens', () => {
  const secret = 'test-secret-0123456789-0123456789-0123';
  const ticket = { id: '01900000-0000-7000-8000-0000000000aa', saleId: sale.id, userId: 'alice', admittedAt: at('10:10:00') };

  it('match only the ticket, owner and admission they were made for', () => {
    const token = purchaseTokenOf(secret, ticket);
    expect(ticketIdOf(token)).toBe(ticket.id);
    expect(tokenMatches(secret, token, ticket)).toBe(true);
    expect(tokenMatches(secret, token, { ...ticket, userId: 'mallory' })).toBe(false);
    expect(tokenMatches(secret, token, { ...ticket, admittedAt: at('10:10:01') })).toBe(false);
    expect(tokenMatches('another-secret-0123456789-0123456789-01', token, ticket)).toBe(false);
    expect(tokenMatches(secret, `${token.slice(0, -1)}A`, ticket)).toBe(false);
  });

  it('refuse anything not shaped like a token', () => {
    expect(['', 'ft1', 'ft1.x.y', `ft2.${ticket.id}.mac`, `ft1.${ticket.id}.mac.extra`].map(ticketIdOf)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
