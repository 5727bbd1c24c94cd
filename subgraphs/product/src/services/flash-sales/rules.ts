/**
 * Flash-sale rules that need no I/O: a sale's status at a moment, a ticket's public status, the
 * estimated wait, and the admin's input, validated and normalised (BAD_USER_INPUT naming the
 * field, before anything is written).
 */
import Decimal from 'decimal.js';
import { badUserInput, isUuid } from '@platform/errors';
import type { SaleRow } from '../../data/flash-sales.ts';
import type { TicketStatus } from '../../data/flash-tickets.ts';

export type FlashSaleStatus = 'SCHEDULED' | 'QUEUEING' | 'LIVE' | 'SOLD_OUT' | 'ENDED';
export type PublicTicketStatus = 'WAITING' | 'ADMITTED' | 'PURCHASED' | 'EXPIRED' | 'SOLD_OUT';

export const LIMITS = { allocation: 1_000_000, perBuyerLimit: 999, admissionsPerSecond: 10_000, priceDigits: 12 } as const;

/** Units not sold and not given back: free in the pool, or held by admitted tickets (checking out or not). */
export const unsold = (sale: Pick<SaleRow, 'available' | 'held'>) => sale.available + sale.held;

/** True once the sale takes no more joins and nobody waits: ended, past its end, or sold out. */
export const isClosed = (sale: Pick<SaleRow, 'endedAt' | 'soldOutAt' | 'endsAt'>, now: Date) => sale.endedAt !== null || sale.soldOutAt !== null || now >= sale.endsAt;

/** Where a sale stands at `now`. */
export function saleStatus(sale: SaleRow, now: Date): FlashSaleStatus {
  if (sale.endedAt || now >= sale.endsAt) return 'ENDED';
  if (sale.soldOutAt || unsold(sale) === 0) return 'SOLD_OUT';
  if (now < sale.queueOpensAt) return 'SCHEDULED';
  return now < sale.startsAt ? 'QUEUEING' : 'LIVE';
}

/**
 * A ticket's status as its owner sees it, exact at `now` even before the job's next run: a
 * redemption in progress still counts as admitted (the units are held for them), a token past
 * its time has expired, and a ticket still waiting in a closed sale has missed out.
 */
export function publicStatus(ticket: { status: TicketStatus; tokenExpiresAt: Date | null }, sale: SaleRow, now: Date): PublicTicketStatus {
  const { status } = ticket;
  if (status === 'REDEEMING') return 'ADMITTED';
  if (status === 'ADMITTED' && ticket.tokenExpiresAt !== null && ticket.tokenExpiresAt <= now) return 'EXPIRED';
  if (status === 'WAITING' && isClosed(sale, now)) return 'SOLD_OUT';
  return status;
}

/** Seconds until the ticket at `position` is admitted: the wait for `startsAt`, then position over the admission rate. */
export function estimatedWaitSeconds(position: number, sale: Pick<SaleRow, 'startsAt' | 'admissionsPerSecond'>, now: Date): number {
  const untilStart = Math.max(0, Math.ceil((sale.startsAt.getTime() - now.getTime()) / 1000));
  return untilStart + Math.ceil(position / sale.admissionsPerSecond);
}

export interface FlashSaleInputData {
  productId: string;
  price: string;
  allocation: number;
  perBuyerLimit?: number | null;
  queueOpensAt: Date | string;
  startsAt: Date | string;
  endsAt: Date | string;
  admissionsPerSecond?: number | null;
}

export interface ValidSaleInput {
  productId: string;
  price: string;
  allocation: number;
  perBuyerLimit: number;
  admissionsPerSecond: number;
  queueOpensAt: Date;
  startsAt: Date;
  endsAt: Date;
}

const field = (name: string) => ({ field: `input.${name}` });

function intIn(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badUserInput(`\`${name}\` must be a whole number from ${min} to ${max.toLocaleString('en')}.`, field(name));
  return value;
}

function dateOf(value: Date | string, name: string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw badUserInput(`\`${name}\` is not a date-time.`, field(name));
  return date;
}

/** The admin's sale input, checked field by field; the first problem is a BAD_USER_INPUT naming it. */
export function validateSaleInput(input: FlashSaleInputData, now: Date): ValidSaleInput {
  if (!isUuid(input.productId)) throw badUserInput('`productId` is not a product id.', field('productId'));
  let price: Decimal;
  try {
    price = new Decimal(input.price);
  } catch {
    throw badUserInput('`price` must be an amount such as "9.90".', field('price'));
  }
  if (price.isNegative() || price.decimalPlaces() > 2 || price.precision(true) > LIMITS.priceDigits) throw badUserInput('`price` must be zero or more, with at most 2 decimals.', field('price'));
  const allocation = intIn(input.allocation, 'allocation', 1, LIMITS.allocation);
  const perBuyerLimit = intIn(input.perBuyerLimit ?? 1, 'perBuyerLimit', 1, Math.min(LIMITS.perBuyerLimit, allocation));
  const admissionsPerSecond = intIn(input.admissionsPerSecond ?? 50, 'admissionsPerSecond', 1, LIMITS.admissionsPerSecond);
  const queueOpensAt = dateOf(input.queueOpensAt, 'queueOpensAt');
  const startsAt = dateOf(input.startsAt, 'startsAt');
  const endsAt = dateOf(input.endsAt, 'endsAt');
  if (queueOpensAt > startsAt) throw badUserInput('`queueOpensAt` must be at or before `startsAt`.', field('queueOpensAt'));
  if (endsAt <= startsAt) throw badUserInput('`endsAt` must be after `startsAt`.', field('endsAt'));
  if (endsAt <= now) throw badUserInput('`endsAt` must be in the future.', field('endsAt'));
  return { productId: input.productId.toLowerCase(), price: price.toFixed(2), allocation, perBuyerLimit, admissionsPerSecond, queueOpensAt, startsAt, endsAt };
}
