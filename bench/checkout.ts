/**
 * Checkout scenario: concurrent buyers, each in a loop filling a fresh cart (two lines) and
 * checking it out through the gateway with the test payment provider. Prints checkout latency
 * (p50/p95/p99), checkouts per second and the SQL each checkout runs, per subgraph.
 */
import { performance } from 'node:perf_hooks';
import { startStack } from '@platform/e2e/support';
import { createProduct } from '@platform/testing';
import { graphqlClient, report, type Measurement } from './lib.ts';

const ADD = `mutation ($input: AddCartLineInput!) { addCartLine(input: $input) { __typename ... on Cart { version } } }`;
const CHECKOUT = `mutation ($input: CheckoutInput!) { checkout(input: $input) { __typename ... on Order { id total { amount } } ... on UserError { code } } }`;
const PRODUCTS = 100;
const SERIAL_ROUNDS = 20;
const ADDRESS = { name: 'Bench Buyer', line1: '1 Raffles Place', city: 'Singapore', postalCode: '048616', country: 'SG' };

/** `npm run bench -- checkout`: `buyers` concurrent buyers for `durationMs` (default BENCH_DURATION_MS or 10 s) on a fresh platform. */
export async function runCheckoutBench(options: { buyers: number; durationMs?: number }): Promise<void> {
  const durationMs = options.durationMs ?? Number(process.env.BENCH_DURATION_MS ?? 10_000);
  const stack = await startStack({ env: { DATABASE_POOL_SIZE: '20', CHECKOUT_RECOVERY_INTERVAL_MS: '0' } });
  const client = graphqlClient(stack.url);
  try {
    // A spread of products, as real carts have; the single hot product is the oversell test's job.
    const products: Awaited<ReturnType<typeof createProduct>>[] = [];
    for (let i = 0; i < PRODUCTS; i += 10) products.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => createProduct(stack, { name: `Bench checkout item ${i + j}`, price: `${((i + j) % 20) + 3}.50`, stock: 1_000_000 })))));
    const tokens = await Promise.all(Array.from({ length: options.buyers }, (_, i) => stack.userToken(`bench-buyer-${i}`, { expiresInSeconds: 3600 })));

    const checkoutMs: number[] = [];
    const fillMs: number[] = [];
    const outcomes = new Map<string, number>();
    let errors = 0;
    /** One buyer round: fill a fresh cart with two lines, then check it out. */
    const round = async (buyer: number, n: number, record: boolean, into = checkoutMs) => {
      const auth = { authorization: `Bearer ${tokens[buyer]}` };
      const t0 = performance.now();
      let version = 0;
      for (const offset of [0, 1]) {
        const product = products[(buyer * 7 + n * 13 + offset * 31) % products.length]!;
        const { addCartLine } = await client.send<{ addCartLine: { __typename: string; version?: number } }>(ADD, { input: { productId: product.id, quantity: 1 + offset } }, auth);
        version = addCartLine.version ?? version;
      }
      const t1 = performance.now();
      const input = { idempotencyKey: `bench-${buyer}-${n}-${record}`, expectedCartVersion: version, shippingAddress: ADDRESS, paymentToken: 'tok_ok' };
      const { checkout } = await client.send<{ checkout: { __typename: string } }>(CHECKOUT, { input }, auth);
      if (!record) return;
      into.push(performance.now() - t1);
      if (into !== checkoutMs) return;
      fillMs.push(t1 - t0);
      outcomes.set(checkout.__typename, (outcomes.get(checkout.__typename) ?? 0) + 1);
    };
    // Warm-up: one round per buyer (connection pools, JIT), not measured.
    await Promise.all(tokens.map((_, buyer) => round(buyer, 0, false).catch(() => undefined)));
    // Unloaded latency: one buyer at a time.
    const serialMs: number[] = [];
    const serialStarted = performance.now();
    for (let n = 1; n <= SERIAL_ROUNDS; n++) await round(0, 100_000 + n, true, serialMs);
    const serial: Measurement = { name: 'checkout (one buyer at a time)', ops: serialMs.length, errors: 0, seconds: (performance.now() - serialStarted) / 1000, latenciesMs: serialMs };

    const subgraphs = Object.values(stack.subgraphs);
    const sqlBefore = subgraphs.map((s) => s.sql.count);
    const started = performance.now();
    const deadline = started + durationMs;
    await Promise.all(
      tokens.map(async (_, buyer) => {
        for (let n = 1; performance.now() < deadline; n++) {
          try {
            await round(buyer, n, true);
          } catch {
            errors += 1;
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const sqlPerCheckout = subgraphs.map((s, i) => `${s.name} ${((s.sql.count - sqlBefore[i]!) / Math.max(1, checkoutMs.length)).toFixed(1)}`).join(', ');
    const rows: Measurement[] = [
      serial,
      { name: `checkout (${options.buyers} concurrent buyers)`, ops: checkoutMs.length, errors, seconds, latenciesMs: checkoutMs },
      { name: 'fill a fresh cart (2 x addCartLine)', ops: fillMs.length, errors: 0, seconds, latenciesMs: fillMs },
    ];
    report('Checkout (through the gateway)', rows, [
      `outcomes of the concurrent run: ${[...outcomes].map(([type, n]) => `${type} ${n}`).join(', ') || 'none'}; ${PRODUCTS} products, two lines per cart, one warm-up round per buyer before measuring`,
      `throughput counts whole buyer rounds (fill the cart, then check out): ${(checkoutMs.length / seconds).toFixed(1)} orders/s`,
      `SQL statements per round, by subgraph (cart fill included): ${sqlPerCheckout}`,
      'each checkout: cart read + address check, reservation (row locks), quote (no coupons here), charge (test provider), order write, consume, cart emptied; the one-buyer row counts checkouts only',
      'gateway, subgraphs and load generator share one process on this machine',
    ]);
  } finally {
    await client.close();
    await stack.stop();
  }
}
