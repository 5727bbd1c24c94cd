/**
 * The order subgraph killed (SIGKILL, a real process) while 20 checkouts are in flight: every
 * client hears a clean answer (an order, a typed outcome, or SERVICE_UNAVAILABLE with a retry
 * hint, never INTERNAL_SERVER_ERROR), a retry while the dead process's lease is still held says
 * when to come back, and once every retry is through the outcome is exact: 15 orders and 5
 * OutOfStock for 15 units, one charge per order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CheckoutDocument } from '@platform/client';
import type { RunningGateway } from '@platform/gateway';
import { startExtraGateway, startStack, type TestStack } from '@platform/e2e/support';
import { createClient, createProduct, sql, waitUntil, type FixtureProduct, type TestClient } from '@platform/testing';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const address = { name: 'Killed Test', line1: '1 Crash Lane', city: 'Singapore', postalCode: '018956', country: 'SG' };

let stack: TestStack;
let gateway: RunningGateway;
let client: TestClient;
let product: FixtureProduct;
let port: number;
let order: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: found } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return found;
}

/** Starts the order subgraph as its own process on `port`, as production runs it, and waits until it is ready. */
async function startOrderProcess(): Promise<ChildProcess> {
  // The lease outlasts a restart on a loaded machine (about 9 s seen), so the first retries meet a dead run's lease.
  const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/order/src/index.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...stack.env, ORDER_PORT: String(port), CHECKOUT_LEASE_MS: '20000', CHECKOUT_WAIT_MS: '1000', CHECKOUT_RECOVERY_INTERVAL_MS: '0', LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
  const ready = async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/ready`)).ok;
    } catch {
      return false;
    }
  };
  let up = false;
  await waitUntil(() => {
    void ready().then((ok) => (up = ok));
    return up;
  }, 'the order process to be ready', 30_000);
  return child;
}

beforeAll(async () => {
  stack = await startStack();
  port = await freePort();
  order = await startOrderProcess();
  gateway = await startExtraGateway(stack, { ORDER_URL: `http://127.0.0.1:${port}/graphql` });
  client = createClient(gateway.url, stack.env.AUTH_JWT_SECRET!);
  product = await createProduct(stack, { price: '9.00', stock: 15 });
}, 60_000);
afterAll(async () => {
  order?.kill('SIGKILL');
  await gateway?.stop();
  await stack?.stop();
});

type Answer = { kind: 'Order' | 'OutOfStock' | 'other'; code?: string; retryAfterSeconds?: number };

async function checkout(user: string, version: number): Promise<Answer> {
  const result = await client.request(CheckoutDocument, { input: { idempotencyKey: `killed-${user}`, expectedCartVersion: version, shippingAddress: address, paymentToken: 'tok_ok' } }, { user });
  const outcome = result.data?.checkout;
  if (outcome?.__typename === 'Order' || outcome?.__typename === 'OutOfStock') return { kind: outcome.__typename };
  const error = result.errors?.[0]?.extensions as { code?: string; retryAfterSeconds?: number } | undefined;
  return { kind: 'other', ...(error?.code ? { code: error.code } : { code: outcome?.__typename ?? `HTTP ${result.status}` }), ...(error?.retryAfterSeconds ? { retryAfterSeconds: error.retryAfterSeconds } : {}) };
}

describe('the order subgraph killed mid-checkout', () => {
  it('answers every client cleanly, says when to retry while a dead run holds the lease, and ends with exactly 15 orders for 15 units', async () => {
    const users = Array.from({ length: 20 }, (_, i) => `killed-buyer-${i}`);
    const versions = new Map<string, number>();
    for (const user of users) {
      const added = (await stack.data(AddCartLineDocument, { input: { productId: product.id, quantity: 1 } }, { user })).addCartLine;
      versions.set(user, 'version' in added ? added.version : 0);
    }

    const inFlight = users.map((user) => checkout(user, versions.get(user)!));
    // Killed while several checkouts are mid-saga (their rows hold the dead process's lease); a
    // count of rows started would also count checkouts already finished, and checkout is fast.
    const underWay = async () => (await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM orders."Checkout" WHERE status NOT IN ('COMPLETED', 'FAILED')`))[0]!.n;
    await waitUntil(async () => (await underWay()) >= 5, 'checkouts to be under way', 20_000, 5);
    order!.kill('SIGKILL');
    const first = await Promise.all(inFlight);
    expect(first.filter((a) => a.kind === 'other' && a.code !== 'SERVICE_UNAVAILABLE')).toEqual([]);

    order = await startOrderProcess();
    const outcomes = new Map<string, Answer>();
    const retryHints: Answer[] = [];
    for (let round = 0; round < 30 && outcomes.size < users.length; round++) {
      const pending = users.filter((u) => !outcomes.has(u));
      const answers = await Promise.all(pending.map((user) => checkout(user, versions.get(user)!)));
      answers.forEach((answer, i) => {
        if (answer.kind === 'other') {
          expect(answer).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
          retryHints.push(answer);
        } else outcomes.set(pending[i]!, answer);
      });
      if (outcomes.size < users.length) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // Retries came while the dead process still held leases, and each was told when to come back.
    expect(retryHints.length).toBeGreaterThan(0);
    expect(retryHints.filter((a) => !(typeof a.retryAfterSeconds === 'number' && a.retryAfterSeconds >= 1))).toEqual([]);
    const kinds = [...outcomes.values()].map((a) => a.kind);
    expect({ orders: kinds.filter((k) => k === 'Order').length, outOfStock: kinds.filter((k) => k === 'OutOfStock').length }).toEqual({ orders: 15, outOfStock: 5 });

    const [stock] = await sql<{ onHand: number; reserved: number }>(stack.db.url, `SELECT "onHand", reserved FROM catalog."Inventory" WHERE "productId" = $1`, [product.id]);
    expect(stock).toEqual({ onHand: 0, reserved: 0 });
    const charges = await sql<{ orderId: string | null; n: number }>(stack.db.url, `SELECT "orderId", count(*)::int AS n FROM orders."Payment" WHERE kind = 'CHARGE' AND status = 'SUCCEEDED' GROUP BY "orderId"`);
    expect(charges.filter((c) => c.orderId === null || c.n !== 1)).toEqual([]);
    expect(charges).toHaveLength(15);
  }, 90_000);
});
