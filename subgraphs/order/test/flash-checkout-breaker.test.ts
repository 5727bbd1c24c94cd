/**
 * The circuit breaker of the flash-sale order path, end to end: when checkouts turn slow (the
 * payment provider here, the one truly external piece, made slow), consecutive slow calls open
 * the circuit and checkoutFlashSale answers TryAgainLater at once, with nothing charged and the
 * token still standing, while cart views keep their latency; after the open period one probe
 * passes and closes it again. The state is on the order subgraph's /metrics.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddCartLineDocument, CartDocument, CheckoutFlashSaleDocument } from '@platform/client';
import type { TestStack } from '@platform/e2e/support';
import { createProduct, expectType, waitUntil } from '@platform/testing';
import { TestPaymentProvider } from '../src/services/payments/test-provider.ts';
import type { ChargeRequest, ChargeResult } from '../src/services/payments/provider.ts';
import { TestClock, createSale, joinAll, saleTimes, startFlashStack, ticketOf, users } from '../../product/test/flash-helpers.ts';
import { ADDRESS, moneyOf } from './helpers.ts';

const SLOW_MS = 1_500;

/** The test provider, with a switch that makes every charge take SLOW_MS (a provider in trouble). */
class StrugglingProvider extends TestPaymentProvider {
  slow = false;
  override async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (this.slow) await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    return super.charge(request);
  }
}

const clock = new TestClock(new Date('2027-08-08T08:00:00.000Z'));
const provider = new StrugglingProvider();
let stack: TestStack;

beforeAll(async () => {
  stack = await startFlashStack(clock, {
    payments: provider,
    env: { FLASH_CHECKOUT_SLOW_MS: '1000', FLASH_CHECKOUT_BREAKER_FAILURES: '3', FLASH_CHECKOUT_BREAKER_OPEN_MS: '2000', SUBGRAPH_TIMEOUT_MS: '20000' },
  });
});
afterAll(() => stack?.stop());

const circuitState = async () => {
  const text = await (await fetch(new URL('/metrics', stack.subgraphs.order.url))).text();
  return Number(/^flash_checkout_circuit_state\{[^}]*\} (\d+)/m.exec(text)?.[1]);
};

describe('the flash-sale order path’s circuit breaker', () => {
  it('opens after consecutive slow checkouts, answers TryAgainLater fast with nothing charged while cart views stay fast, and closes after a passing probe', async () => {
    const product = await createProduct(stack, { stock: 20, price: '30.00' });
    const saleId = await createSale(stack, { productId: product.id, price: '10.00', allocation: 10, admissionsPerSecond: 100, ...saleTimes(clock.now(), 1_000) });
    const shoppers = users('breaker', 6);
    await joinAll(stack, saleId, shoppers, 1);
    clock.advance(1_000);
    await stack.subgraphs.product.runFlashSaleJobs();
    const tokens = new Map(await Promise.all(shoppers.map(async (u) => [u, (await ticketOf(stack, saleId, u))!.purchaseToken!] as const)));
    const buy = async (user: string) => {
      const input = { saleId, purchaseToken: tokens.get(user)!, quantity: 1, idempotencyKey: `breaker-${user}-${performance.now()}`, shippingAddress: ADDRESS, paymentToken: 'tok_ok' };
      const started = performance.now();
      const result = (await stack.data(CheckoutFlashSaleDocument, { input }, { user })).checkoutFlashSale;
      return { result, ms: performance.now() - started };
    };
    // A shopper with a cached cart, whose page must not suffer.
    const viewer = 'breaker-cart-viewer';
    for (let i = 0; i < 3; i++) await stack.data(AddCartLineDocument, { input: { productId: (await createProduct(stack, { stock: 100 })).id, quantity: 1 } }, { user: viewer });
    await stack.data(CartDocument, {}, { user: viewer });
    expect(await circuitState()).toBe(0);

    // The provider struggles: three slow checkouts in a row (each still succeeds) open the circuit.
    provider.slow = true;
    const viewsDuring: number[] = [];
    let slowDone = false;
    const slowBuys = (async () => {
      const results = [];
      for (const user of shoppers.slice(0, 3)) results.push(await buy(user));
      slowDone = true;
      return results;
    })();
    while (!slowDone) {
      const started = performance.now();
      await stack.data(CartDocument, {}, { user: viewer });
      viewsDuring.push(performance.now() - started);
    }
    const slow = await slowBuys;
    expect(slow.map((s) => s.result.__typename)).toEqual(['Order', 'Order', 'Order']);
    expect(slow.filter((s) => s.ms < SLOW_MS)).toEqual([]);
    expect(await circuitState()).toBe(1);
    // Cart views went on at their own pace while each checkout took SLOW_MS and more.
    expect(viewsDuring.length).toBeGreaterThan(3);
    expect(viewsDuring.filter((ms) => ms >= SLOW_MS)).toEqual([]);

    // Open: answered at once, nothing redeemed or charged, the token still good.
    const refused = await buy(shoppers[3]!);
    const tryLater = expectType(refused.result, 'TryAgainLater');
    expect(tryLater.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.ms).toBeLessThan(SLOW_MS);
    expect((await moneyOf(stack, shoppers[3]!)).payments).toEqual([]);
    expect((await ticketOf(stack, saleId, shoppers[3]!))?.status).toBe('ADMITTED');

    // The provider recovers; once the open period is over, a probe passes and the circuit closes.
    provider.slow = false;
    let outcome = '';
    await waitUntil(async () => (outcome = (await buy(shoppers[3]!)).result.__typename) === 'Order', () => `the probe to pass (last answer ${outcome})`, 10_000, 200);
    expect(await circuitState()).toBe(0);
    expectType((await buy(shoppers[4]!)).result, 'Order');
  }, 60_000);
});
