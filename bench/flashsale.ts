/**
 * Flash-sale scenario, through the gateway on a fresh platform with the real clock and the
 * flash-sale job on its timer: how fast shoppers can join, how long an admitted shopper waits
 * from admission to a placed order, and what a sale does to everyone else: the cached cart view
 * measured in the same run without a sale, and again while shoppers join and buy.
 *
 *   1. cart view, no sale               up to 8 clients for `durationMs`
 *   2. joins                            SHOPPERS users, `concurrency` in flight, the cart view measured alongside
 *   3. the sale runs (ALLOCATION units at ADMISSIONS_PER_SECOND): buyers watch their ticket and
 *      buy the moment they are admitted, while the cart view is measured again alongside
 */
import { performance } from 'node:perf_hooks';
import { startStack } from '@platform/e2e/support';
import { createProduct, sql } from '@platform/testing';
import { graphqlClient, measure, percentile, report, type Measurement } from './lib.ts';

const SHOPPERS = 3_000;
const ALLOCATION = 500;
const ADMISSIONS_PER_SECOND = 50;
const CART_USERS = 100;
const ADDRESS = { name: 'Bench Buyer', line1: '1 Raffles Place', city: 'Singapore', postalCode: '048616', country: 'SG' };

const VIEW = `query { cart { id version totalQuantity subtotal { amount } lines { quantity unitPrice { amount } product { name price { amount } } } } }`;
const ADD = `mutation ($input: AddCartLineInput!) { addCartLine(input: $input) { __typename } }`;
const JOIN = `mutation ($saleId: ID!) { joinFlashSale(saleId: $saleId) { __typename ... on FlashSaleTicket { status position } } }`;
const TICKET = `query ($saleId: ID!) { flashSaleTicket(saleId: $saleId) { status purchaseToken } }`;
const BUY = `mutation ($input: FlashSaleCheckoutInput!) { checkoutFlashSale(input: $input) { __typename ... on TryAgainLater { retryAfterSeconds } } }`;
const CREATE = `mutation ($input: FlashSaleInput!) { createFlashSale(input: $input) { id } }`;

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `npm run bench -- flashsale`. */
export async function runFlashSaleBench(options: { durationMs: number; concurrency: number }): Promise<void> {
  const stack = await startStack({
    env: {
      DATABASE_POOL_SIZE: '20',
      FLASH_SALE_TICK_MS: '200',
      FLASH_SALE_JOIN_USER_RATE: '100',
      FLASH_SALE_JOIN_GLOBAL_RATE: '100000',
      FLASH_SALE_JOIN_GLOBAL_BURST: '100000',
      FLASH_SALE_BUY_USER_RATE: '100',
      FLASH_SALE_BUY_USER_BURST: '100',
      CHECKOUT_RECOVERY_INTERVAL_MS: '0',
    },
  });
  const client = graphqlClient(stack.url, Math.max(64, options.concurrency * 2));
  try {
    const admin = { authorization: `Bearer ${await stack.userToken('bench-admin', { role: 'admin', expiresInSeconds: 3600 })}` };
    const cartProducts = await Promise.all(Array.from({ length: 5 }, (_, i) => createProduct(stack, { name: `Bench cart item ${i}`, price: `${i + 2}.90`, stock: 1_000_000 })));
    const cartAuth = await Promise.all(Array.from({ length: CART_USERS }, async (_, i) => ({ authorization: `Bearer ${await stack.userToken(`bench-cart-${i}`, { expiresInSeconds: 3600 })}` })));
    for (const auth of cartAuth) for (const p of cartProducts) await client.send(ADD, { input: { productId: p.id, quantity: 1 } }, auth);
    for (const auth of cartAuth) await client.send(VIEW, {}, auth);
    const viewCarts = (name: string, durationMs: number) => measure(name, { concurrency: Math.min(8, options.concurrency), durationMs }, (w, i) => client.send(VIEW, {}, cartAuth[(w * 31 + i) % cartAuth.length]).then(() => undefined));

    // 1. The site without a sale.
    const quiet = await viewCarts('cart view, no sale running', options.durationMs);

    // 2. Joins: the queue is open, admissions start once everyone is in.
    const product = await createProduct(stack, { name: 'Bench flash-sale phone', price: '899.00', stock: ALLOCATION + 100 });
    const opensAt = new Date();
    const { createFlashSale } = await client.send<{ createFlashSale: { id: string } }>(
      CREATE,
      { input: { productId: product.id, price: '499.00', allocation: ALLOCATION, perBuyerLimit: 1, admissionsPerSecond: ADMISSIONS_PER_SECOND, queueOpensAt: opensAt.toISOString(), startsAt: new Date(opensAt.getTime() + 3_600_000).toISOString(), endsAt: new Date(opensAt.getTime() + 7_200_000).toISOString() } },
      admin,
    );
    const saleId = createFlashSale.id;
    const shoppers = await Promise.all(Array.from({ length: SHOPPERS }, async (_, i) => ({ user: `bench-shopper-${i}`, auth: { authorization: `Bearer ${await stack.userToken(`bench-shopper-${i}`, { expiresInSeconds: 3600 })}` } })));
    const joinMs: number[] = [];
    let joinErrors = 0;
    let next = 0;
    const joinStarted = performance.now();
    const duringJoins = viewCarts('cart view, shoppers joining', options.durationMs);
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        for (let i = next++; i < shoppers.length; i = next++) {
          const t0 = performance.now();
          try {
            await client.send(JOIN, { saleId }, shoppers[i]!.auth);
            joinMs.push(performance.now() - t0);
          } catch {
            joinErrors++;
          }
        }
      }),
    );
    const joins: Measurement = { name: `joinFlashSale (${SHOPPERS} shoppers)`, ops: joinMs.length, errors: joinErrors, seconds: (performance.now() - joinStarted) / 1000, latenciesMs: joinMs };
    const joining = await duringJoins;

    // 3. The sale starts now. Buyers (in join order, `concurrency` at a time) watch their ticket and buy once admitted.
    await sql(stack.db.url, `UPDATE catalog."FlashSale" SET "startsAt" = now() WHERE id = $1`, [saleId]);
    const saleStarted = performance.now();
    let buyer = 0;
    let soldOut = false;
    const outcomes = new Map<string, number>();
    const buyers = Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (!soldOut && buyer < shoppers.length) {
          const { user, auth } = shoppers[buyer++]!;
          for (;;) {
            const { flashSaleTicket: ticket } = await client.send<{ flashSaleTicket: { status: string; purchaseToken: string | null } | null }>(TICKET, { saleId }, auth);
            if (ticket?.status === 'ADMITTED' && ticket.purchaseToken) {
              const input = { saleId, purchaseToken: ticket.purchaseToken, quantity: 1, idempotencyKey: `bench-${user}`, shippingAddress: ADDRESS, paymentToken: 'tok_ok' };
              const { checkoutFlashSale } = await client.send<{ checkoutFlashSale: { __typename: string } }>(BUY, { input }, auth);
              outcomes.set(checkoutFlashSale.__typename, (outcomes.get(checkoutFlashSale.__typename) ?? 0) + 1);
              if (checkoutFlashSale.__typename !== 'TryAgainLater') break;
            } else if (ticket?.status !== 'WAITING' && ticket?.status !== 'ADMITTED') {
              if (ticket?.status === 'SOLD_OUT') soldOut = true;
              break;
            }
            await sleep(100);
          }
        }
      }),
    );
    const busy = await viewCarts('cart view, sale running (joins done, buying)', options.durationMs);
    await buyers;
    const sellingSeconds = (performance.now() - saleStarted) / 1000;

    const latencies = await sql<{ ms: number }>(
      stack.db.url,
      `SELECT extract(epoch FROM (o."createdAt" - t."admittedAt")) * 1000 AS ms
         FROM catalog."FlashSaleTicket" t JOIN orders."Checkout" c ON c."userId" = t."userId" AND c.kind = 'FLASH_SALE' JOIN orders."Order" o ON o."checkoutId" = c.id
        WHERE t."saleId" = $1 AND t.status = 'PURCHASED'`,
      [saleId],
    );
    const admissionToOrder = latencies.map((r) => Number(r.ms)).sort((a, b) => a - b);
    const [pool] = await sql<{ sold: number; allocation: number }>(stack.db.url, 'SELECT sold, allocation FROM catalog."FlashSale" WHERE id = $1', [saleId]);

    const p99 = (m: Measurement) => fmt(percentile([...m.latenciesMs].sort((a, b) => a - b), 99));
    report('Flash sale (through the gateway)', [quiet, joins, joining, busy], [
      `joins/s: ${fmt(joins.ops / joins.seconds)} (${joins.ops} joins, ${joins.errors} errors, ${options.concurrency} in flight)`,
      `admission -> placed order (server clocks, includes the buyer's 100 ms polling): p50 ${fmt(percentile(admissionToOrder, 50))} ms, p95 ${fmt(percentile(admissionToOrder, 95))} ms, p99 ${fmt(percentile(admissionToOrder, 99))} ms over ${admissionToOrder.length} orders`,
      `sold ${pool?.sold}/${pool?.allocation} in ${sellingSeconds.toFixed(1)} s at ${ADMISSIONS_PER_SECOND} admissions/s; checkout outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`,
      `cart view p99: ${p99(quiet)} ms without a sale; with the sale running ${p99(joining)} ms while shoppers join, ${p99(busy)} ms while they buy`,
      'gateway, subgraphs and load generator share one process on this machine',
    ]);
  } finally {
    await client.close();
    await stack.stop();
  }
}
