/**
 * Helpers for the flash-sale end-to-end tests: a stack whose product clock the test moves, sales
 * created through the admin API, shoppers joining with bounded concurrency, and the pool and
 * tickets as Postgres holds them (what the platform did, not what it says).
 */
import { CreateFlashSaleDocument, EndFlashSaleDocument, FlashSaleTicketDocument, JoinFlashSaleDocument, type FlashSaleInput, type JoinFlashSaleMutation } from '@platform/client';
import { startStack, type StackOptions, type TestStack } from '@platform/e2e/support';
import { sql } from '@platform/testing';

export const ADMIN = { user: 'flash-admin', role: 'admin' } as const;

/** A clock the test moves by hand; the product (and order) subgraphs read it. */
export class TestClock {
  constructor(private at: Date) {}
  now = (): Date => new Date(this.at);
  /** Moves the clock forward by `ms`. */
  advance(ms: number): Date {
    this.at = new Date(this.at.getTime() + ms);
    return this.now();
  }
  set(at: Date): void {
    this.at = new Date(at);
  }
}

/** A stack with the flash-sale and reservation timers off (tests run the jobs with their clock). */
export async function startFlashStack(clock: TestClock, options: StackOptions = {}): Promise<TestStack> {
  return startStack({
    ...options,
    productNow: clock.now,
    env: {
      FLASH_SALE_TICK_MS: '0',
      RESERVATION_SWEEP_INTERVAL_MS: '0',
      CHECKOUT_RECOVERY_INTERVAL_MS: '0',
      // Tests join and buy far faster than the per-user defaults allow one shopper.
      FLASH_SALE_JOIN_USER_RATE: '1000',
      FLASH_SALE_JOIN_USER_BURST: '1000',
      FLASH_SALE_BUY_USER_RATE: '1000',
      FLASH_SALE_BUY_USER_BURST: '1000',
      ...options.env,
    },
  });
}

/** Sale times around `now`: the queue opens now, admissions start in `startInMs`, the sale lasts an hour. */
export function saleTimes(now: Date, startInMs = 60_000) {
  return {
    queueOpensAt: now.toISOString(),
    startsAt: new Date(now.getTime() + startInMs).toISOString(),
    endsAt: new Date(now.getTime() + startInMs + 3_600_000).toISOString(),
  };
}

/** Creates a sale through the admin API; returns its id. */
export async function createSale(stack: TestStack, input: FlashSaleInput): Promise<string> {
  const { createFlashSale } = await stack.data(CreateFlashSaleDocument, { input }, ADMIN);
  return createFlashSale.id;
}

export type JoinResult = JoinFlashSaleMutation['joinFlashSale'];

/** Joins `users` to a sale, `concurrency` at a time; results in the order of `users`. */
export async function joinAll(stack: TestStack, saleId: string, users: readonly string[], concurrency = 50): Promise<JoinResult[]> {
  const results: JoinResult[] = new Array(users.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, users.length) }, async () => {
      for (let i = next++; i < users.length; i = next++) {
        results[i] = (await stack.data(JoinFlashSaleDocument, { saleId }, { user: users[i]! })).joinFlashSale;
      }
    }),
  );
  return results;
}

/** One shopper's ticket through the public API. */
export async function ticketOf(stack: TestStack, saleId: string, user: string) {
  return (await stack.data(FlashSaleTicketDocument, { saleId }, { user })).flashSaleTicket;
}

export interface PoolRow {
  allocation: number;
  available: number;
  held: number;
  sold: number;
  returned: number;
}

/** The sale's pool as stored. */
export async function poolOf(stack: TestStack, saleId: string): Promise<PoolRow> {
  const [row] = await sql<PoolRow>(stack.db.url, 'SELECT allocation, available, held, sold, returned FROM catalog."FlashSale" WHERE id = $1', [saleId]);
  if (!row) throw new Error(`no flash sale ${saleId}`);
  return row;
}

/** Tickets of a sale as stored, in join order. */
export async function ticketsOf(stack: TestStack, saleId: string) {
  return sql<{ userId: string; seq: number; status: string; units: number; quantity: number | null }>(
    stack.db.url,
    'SELECT "userId", seq, status::text AS status, units, quantity FROM catalog."FlashSaleTicket" WHERE "saleId" = $1 ORDER BY seq',
    [saleId],
  );
}

/** A product's on-hand and reserved units as stored. */
export async function stockOf(stack: TestStack, productId: string): Promise<{ onHand: number; reserved: number }> {
  const [row] = await sql<{ onHand: number; reserved: number }>(stack.db.url, 'SELECT "onHand", reserved FROM catalog."Inventory" WHERE "productId" = $1', [productId]);
  if (!row) throw new Error(`no inventory for ${productId}`);
  return row;
}

export const users = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);

/** Ends every sale that has not ended, through the admin API. */
export async function endOpenSales(stack: TestStack): Promise<void> {
  const open = await sql<{ id: string }>(stack.db.url, 'SELECT id FROM catalog."FlashSale" WHERE "endedAt" IS NULL');
  for (const { id } of open) await stack.data(EndFlashSaleDocument, { id }, ADMIN);
}
