/**
 * Flash sale on the fleet (every service its own process, as `npm start` runs them, with the
 * flash-sale job on its real timer and the services' default rate limits): how fast shoppers can
 * join, how long an admitted shopper waits from admission to a placed order, and what a sale does
 * to everyone else: the cached cart view, measured by the load generator in its own process
 * without a sale, then again while shoppers join and while they buy.
 *
 *   1. cart view, no sale               the load generator, 8 clients, for the run's duration
 *   2. joins                            SHOPPERS users, `BENCH_CONCURRENCY` in flight from this
 *                                       process, the cart view measured alongside
 *   3. the sale runs (ALLOCATION units at ADMISSIONS_PER_SECOND): buyers, `BENCH_CONCURRENCY` at a
 *      time in join order, follow their ticket over graphql-ws (Subscription.flashSaleTicket) and
 *      buy the moment it says ADMITTED, backing off as TryAgainLater asks; the cart view measured
 *      alongside
 *
 * The shoppers are driven from the bench's own process (not the load generator's: they hold
 * subscriptions and react to them), never from a service's.
 */
import { performance } from 'node:perf_hooks';
import { connectDevice } from '@platform/e2e/support';
import { signUserToken } from '@platform/auth';
import { createProduct, sql } from '@platform/testing';
import { ADDRESS, CART_VIEW, EXPECT_CART, graphqlRequest, parallel, type BenchUser } from '../data.ts';
import type { Row } from '../measure.ts';
import { num } from '../report.ts';
import { durations, measureOnFleet, type FleetContext, type Scenario, type ScenarioOutcome } from '../scenario.ts';
import { percentile } from '../stats.ts';

const SHOPPERS = 3_000;
const ALLOCATION = 200;
const ADMISSIONS_PER_SECOND = 8;
const VIEW_CLIENTS = 8;

const JOIN = `mutation ($saleId: ID!) { joinFlashSale(saleId: $saleId) { __typename ... on FlashSaleTicket { status position } } }`;
const FOLLOW = `subscription ($saleId: ID!) { flashSaleTicket(saleId: $saleId) { status position purchaseToken } }`;
const BUY = `mutation ($input: FlashSaleCheckoutInput!) { checkoutFlashSale(input: $input) { __typename ... on TryAgainLater { retryAfterSeconds } } }`;
const CREATE = `mutation ($input: FlashSaleInput!) { createFlashSale(input: $input) { id } }`;

const fmt = (n: number | undefined) => num(n, 1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const flashSale: Scenario = {
  name: 'flashsale',
  title: 'Flash sale: joins/s, admission to order, and the cart view with and without a sale',
  main: true,
  needsFleet: true,
  async run(ctx: FleetContext): Promise<ScenarioOutcome> {
    const { data, fleet } = ctx;
    const { durationMs, warmupMs, clients: concurrency } = durations(ctx);
    const gateway = fleet.gateway;
    const viewers = await data.viewUsers();
    const pool = viewers.map((u) => graphqlRequest(CART_VIEW, {}, u.token, EXPECT_CART));
    await data.prime(gateway.origin, pool);
    const viewCarts = (label: string) => measureOnFleet(ctx, gateway, `cart view, ${label}, ${VIEW_CLIENTS} clients`, { mode: 'closed', origin: gateway.origin, connections: VIEW_CLIENTS, durationMs, warmupMs, pool });

    // 1. The site without a sale.
    const quiet = await viewCarts('no sale running');

    // 2. Joins: the queue is open, admissions start once everyone is in.
    const admin: BenchUser = { id: 'bench-flash-admin', token: await signUserToken(fleet.jwtSecret, { userId: 'bench-flash-admin', role: 'admin', expiresInSeconds: 3_600 }) };
    // A product of its own: no viewer's cart holds it, so the sale's stock moves touch no cached view.
    const product = await createProduct(data.client, { name: 'Bench flash-sale phone', price: '899.00', stock: ALLOCATION + 100, brand: 'Bench' });
    const opensAt = new Date();
    const { createFlashSale } = await data.as<{ createFlashSale: { id: string } }>(admin, CREATE, {
      input: { productId: product.id, price: '499.00', allocation: ALLOCATION, perBuyerLimit: 1, admissionsPerSecond: ADMISSIONS_PER_SECOND, queueOpensAt: opensAt.toISOString(), startsAt: new Date(opensAt.getTime() + 3_600_000).toISOString(), endsAt: new Date(opensAt.getTime() + 7_200_000).toISOString() },
    });
    const saleId = createFlashSale.id;
    const shoppers = await data.users('bench-shopper', SHOPPERS);
    const joinMs: number[] = [];
    let joinErrors = 0;
    const duringJoins = viewCarts('shoppers joining');
    const joinStarted = performance.now();
    await parallel(shoppers, concurrency, async (shopper) => {
      const t0 = performance.now();
      try {
        const { joinFlashSale } = await data.as<{ joinFlashSale: { __typename: string } }>(shopper, JOIN, { saleId });
        if (joinFlashSale.__typename !== 'FlashSaleTicket') throw new Error(joinFlashSale.__typename);
        joinMs.push(performance.now() - t0);
      } catch {
        joinErrors++;
      }
    });
    const joinSeconds = (performance.now() - joinStarted) / 1000;
    const joining = await duringJoins;

    // 3. The sale starts now. Buyers (in join order, `concurrency` at a time) watch their ticket and buy once admitted.
    await sql(fleet.database.url, `UPDATE catalog."FlashSale" SET "startsAt" = now() WHERE id = $1`, [saleId]);
    const saleStarted = performance.now();
    let next = 0;
    let soldOut = false;
    let buyErrors = 0;
    const buyErrorSamples = new Set<string>();
    const outcomes = new Map<string, number>();
    /** When each shopper's device was listening, and when its order came back (this host's clock, as the services'). */
    const listening = new Map<string, number>();
    const ordered = new Map<string, number>();
    const wsUrl = `${gateway.origin}/graphql`;
    /** One shopper: follow the ticket over graphql-ws until admitted (or out of luck), then buy at once. */
    const shop = async (shopper: BenchUser) => {
      const device = connectDevice(wsUrl, { token: shopper.token });
      try {
        await device.acknowledged;
        listening.set(shopper.id, Date.now());
        const token = await new Promise<string | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), 180_000);
          device.client.subscribe<{ flashSaleTicket: { status: string; purchaseToken: string | null } }>(
            { query: FOLLOW, variables: { saleId } },
            {
              next: ({ data: event }) => {
                const ticket = event?.flashSaleTicket;
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
        const input = { saleId, purchaseToken: token, quantity: 1, idempotencyKey: `bench-${shopper.id}`, shippingAddress: ADDRESS, paymentToken: 'tok_ok' };
        for (let attempt = 0; attempt < 30; attempt++) {
          try {
            const { checkoutFlashSale } = await data.as<{ checkoutFlashSale: { __typename: string; retryAfterSeconds?: number } }>(shopper, BUY, { input });
            outcomes.set(checkoutFlashSale.__typename, (outcomes.get(checkoutFlashSale.__typename) ?? 0) + 1);
            if (checkoutFlashSale.__typename === 'Order') ordered.set(shopper.id, Date.now());
            if (checkoutFlashSale.__typename !== 'TryAgainLater') return;
            await sleep((checkoutFlashSale.retryAfterSeconds ?? 1) * 1000);
          } catch (error) {
            buyErrors++;
            if (buyErrorSamples.size < 3) buyErrorSamples.add(error instanceof Error ? error.message.slice(0, 160) : String(error));
            await sleep(500);
          }
        }
      } finally {
        await device.disconnect();
      }
    };
    const buyers = Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (!soldOut && next < shoppers.length) await shop(shoppers[next++]!);
      }),
    );
    const buying = await viewCarts('sale running (joins done, buying)');
    await buyers;
    const sellingSeconds = (performance.now() - saleStarted) / 1000;

    // Admission to order, for shoppers whose device was already listening when they were admitted
    // (the others measure how far behind this process's `concurrency` buyers were).
    const admittedAt = await sql<{ userId: string; at: Date }>(fleet.database.url, `SELECT "userId", "admittedAt" AS at FROM catalog."FlashSaleTicket" WHERE "saleId" = $1 AND "admittedAt" IS NOT NULL`, [saleId]);
    const admissionToOrder = admittedAt
      .flatMap(({ userId, at }) => {
        const heard = listening.get(userId);
        const done = ordered.get(userId);
        return heard !== undefined && done !== undefined && heard <= at.getTime() ? [done - at.getTime()] : [];
      })
      .sort((a, b) => a - b);
    const [sale] = await sql<{ sold: number; allocation: number }>(fleet.database.url, 'SELECT sold, allocation FROM catalog."FlashSale" WHERE id = $1', [saleId]);
    const joinsSorted = [...joinMs].sort((a, b) => a - b);
    const rows: Row[] = [quiet, joining, buying];
    return {
      rows,
      notes: [
        `joins/s: ${fmt(joinMs.length / joinSeconds)} (${joinMs.length} of ${SHOPPERS} joined, ${joinErrors} errors, ${concurrency} in flight; join latency p50 ${fmt(percentile(joinsSorted, 50))} ms, p99 ${fmt(percentile(joinsSorted, 99))} ms)`,
        `admission -> placed order (the push to the listening device, then checkoutFlashSale): p50 ${fmt(percentile(admissionToOrder, 50))} ms, p95 ${fmt(percentile(admissionToOrder, 95))} ms, p99 ${fmt(percentile(admissionToOrder, 99))} ms over ${admissionToOrder.length} of ${ordered.size} orders (devices listening before admission)`,
        `sold ${sale?.sold}/${sale?.allocation} in ${fmt(sellingSeconds)} s at ${ADMISSIONS_PER_SECOND} admissions/s; checkout answers ${JSON.stringify(Object.fromEntries(outcomes))}; ${buyErrors} failed requests (retried with the same key)${buyErrorSamples.size ? `: ${[...buyErrorSamples].join(' | ')}` : ''}`,
        `cart view p99: ${fmt(quiet.latencyMs.p99)} ms without a sale; with the sale running ${fmt(joining.latencyMs.p99)} ms while shoppers join, ${fmt(buying.latencyMs.p99)} ms while they buy`,
        'the shoppers are driven from the bench process, the cart views from the load generator, the services each in their own process (2 shared cores: the joins and the views compete for them)',
      ],
      targets: [],
    };
  },
};
