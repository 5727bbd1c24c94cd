/**
 * Flash-sale scenario, through the gateway on a fresh platform with the real clock and the
 * flash-sale job on its timer: how fast shoppers can join, how long an admitted shopper waits
 * from admission to a placed order, and what a sale does to everyone else: the cached cart view
 * measured in the same run without a sale, and again while shoppers join and buy.
 *
 *   1. cart view, no sale               up to 8 clients for `durationMs`
 *   2. joins                            SHOPPERS users, `concurrency` in flight, the cart view measured alongside
 *   3. the sale runs (ALLOCATION units at ADMISSIONS_PER_SECOND): buyers, `concurrency` at a time
 *      in join order, follow their ticket over graphql-ws (Subscription.flashSaleTicket) and buy
 *      the moment it says ADMITTED, backing off as TryAgainLater asks; the cart view is measured
 *      again alongside
 */
import { performance } from 'node:perf_hooks';
import { connectDevice, startStack } from '@platform/e2e/support';
import { createProduct, sql } from '@platform/testing';
import { graphqlClient, measure, percentile, report, type Measurement } from './in-process.ts';

const SHOPPERS = 3_000;
const ALLOCATION = 200;
const ADMISSIONS_PER_SECOND = 8;
const CART_USERS = 100;
const ADDRESS = { name: 'Bench Buyer', line1: '1 Raffles Place', city: 'Singapore', postalCode: '048616', country: 'SG' };

const VIEW = `query { cart { id version totalQuantity subtotal { amount } lines { quantity unitPrice { amount } product { name price { amount } } } } }`;
const ADD = `mutation ($input: AddCartLineInput!) { addCartLine(input: $input) { __typename } }`;
const JOIN = `mutation ($saleId: ID!) { joinFlashSale(saleId: $saleId) { __typename ... on FlashSaleTicket { status position } } }`;
const FOLLOW = `subscription ($saleId: ID!) { flashSaleTicket(saleId: $saleId) { status position purchaseToken } }`;
const BUY = `mutation ($input: FlashSaleCheckoutInput!) { checkoutFlashSale(input: $input) { __typename ... on TryAgainLater { retryAfterSeconds } } }`;
const CREATE = `mutation ($input: FlashSaleInput!) { createFlashSale(input: $input) { id } }`;

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `npm run bench -- flashsale`. */
export async function runFlashSaleBench(options: { durationMs: number; concurrency: number }): Promise<void> {
  const stack = await startStack({
    env: {
      DATABASE_POOL_SIZE: '20',
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
    let buyErrors = 0;
    const outcomes = new Map<string, number>();
    /** When each shopper's device was listening, and when its order came back (this host's clock, as the subgraphs'). */
    const listening = new Map<string, number>();
    const ordered = new Map<string, number>();
    /** One shopper: follow the ticket over graphql-ws until admitted (or out of luck), then buy at once. */
    const shop = async (user: string, auth: { authorization: string }) => {
      const device = connectDevice(stack.url, { token: auth.authorization.slice('Bearer '.length) });
      try {
        await device.acknowledged;
        listening.set(user, Date.now());
        const token = await new Promise<string | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), 180_000);
          device.client.subscribe<{ flashSaleTicket: { status: string; purchaseToken: string | null } }>(
            { query: FOLLOW, variables: { saleId } },
            {
              next: ({ data }) => {
                const ticket = data?.flashSaleTicket;
                if (ticket?.status === 'ADMITTED' && ticket.purchaseToken) resolve(ticket.purchaseToken);
                else if (ticket && ticket.status !== 'WAITING') resolve(null);
                if (ticket && ticket.status !== 'WAITING') clearTimeout(timer);
              },
              error: () => resolve(null),
              complete: () => resolve(null),
            },
          );
        });
        if (!token) return void (soldOut = true);
        // The same key on a retry: an answer lost to a timeout is replayed, never bought twice.
        const input = { saleId, purchaseToken: token, quantity: 1, idempotencyKey: `bench-${user}`, shippingAddress: ADDRESS, paymentToken: 'tok_ok' };
        for (let attempt = 0; attempt < 30; attempt++) {
          try {
            const { checkoutFlashSale } = await client.send<{ checkoutFlashSale: { __typename: string; retryAfterSeconds?: number } }>(BUY, { input }, auth);
            outcomes.set(checkoutFlashSale.__typename, (outcomes.get(checkoutFlashSale.__typename) ?? 0) + 1);
            if (checkoutFlashSale.__typename === 'Order') ordered.set(user, Date.now());
            if (checkoutFlashSale.__typename !== 'TryAgainLater') return;
            await sleep((checkoutFlashSale.retryAfterSeconds ?? 1) * 1000);
          } catch {
            buyErrors++;
            await sleep(500);
          }
        }
      } finally {
        await device.disconnect();
      }
    };
    const buyers = Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (!soldOut && buyer < shoppers.length) {
          const { user, auth } = shoppers[buyer++]!;
          await shop(user, auth);
        }
      }),
    );
    const busy = await viewCarts('cart view, sale running (joins done, buying)', options.durationMs);
    await buyers;
    const sellingSeconds = (performance.now() - saleStarted) / 1000;

    // Admission to order, for shoppers whose device was already listening when they were admitted
    // (the others measure how far behind this load generator's 'concurrency' workers were).
    const admittedAt = await sql<{ userId: string; at: Date }>(stack.db.url, `SELECT "userId", "admittedAt" AS at FROM catalog."FlashSaleTicket" WHERE "saleId" = $1 AND "admittedAt" IS NOT NULL`, [saleId]);
    const admissionToOrder = admittedAt
      .flatMap(({ userId, at }) => {
        const heard = listening.get(userId);
        const done = ordered.get(userId);
        return heard !== undefined && done !== undefined && heard <= at.getTime() ? [done - at.getTime()] : [];
      })
      .sort((a, b) => a - b);
    const [pool] = await sql<{ sold: number; allocation: number }>(stack.db.url, 'SELECT sold, allocation FROM catalog."FlashSale" WHERE id = $1', [saleId]);

    const p99 = (m: Measurement) => fmt(percentile([...m.latenciesMs].sort((a, b) => a - b), 99));
    report('Flash sale (through the gateway)', [quiet, joins, joining, busy], [
      `joins/s: ${fmt(joins.ops / joins.seconds)} (${joins.ops} joins, ${joins.errors} errors, ${options.concurrency} in flight)`,
      `admission -> placed order (the push to the listening device, then checkoutFlashSale): p50 ${fmt(percentile(admissionToOrder, 50))} ms, p95 ${fmt(percentile(admissionToOrder, 95))} ms, p99 ${fmt(percentile(admissionToOrder, 99))} ms over ${admissionToOrder.length} of ${ordered.size} orders (devices listening before admission)`,
      `sold ${pool?.sold}/${pool?.allocation} in ${sellingSeconds.toFixed(1)} s at ${ADMISSIONS_PER_SECOND} admissions/s; checkout answers ${JSON.stringify(Object.fromEntries(outcomes))}; ${buyErrors} failed requests (retried with the same key)`,
      `cart view p99: ${p99(quiet)} ms without a sale; with the sale running ${p99(joining)} ms while shoppers join, ${p99(busy)} ms while they buy`,
      'gateway, subgraphs and load generator share one process on this machine',
    ]);
  } finally {
    await client.close();
    await stack.stop();
  }
}
