import { describe, expect, it } from 'vitest';
import { waitUntil } from '@platform/testing';
import { createOrderPathBreaker, OrderPathOpen, type BreakerState } from './breaker.ts';

const fast = async (value: string) => value;

describe('the order path breaker', () => {
  it('opens after consecutive failures (thrown, answered as struggling, or slow), refuses while open, and closes after a passing probe', async () => {
    const states: BreakerState[] = [];
    const breaker = createOrderPathBreaker({ failures: 3, openMs: 150, slowMs: 40 }, (s) => states.push(s));
    const struggling = (v: string) => v === 'PaymentUnavailable';
    await expect(breaker.run(() => Promise.reject(new Error('database gone')), struggling)).rejects.toThrow('database gone');
    expect(await breaker.run(() => fast('PaymentUnavailable'), struggling)).toBe('PaymentUnavailable');
    expect(breaker.state).toBe('closed');
    expect(await breaker.run(() => new Promise<string>((resolve) => setTimeout(() => resolve('Order'), 60)), struggling)).toBe('Order');
    expect(breaker.state).toBe('open');
    await expect(breaker.run(() => fast('Order'), struggling)).rejects.toBeInstanceOf(OrderPathOpen);
    await waitUntil(async () => (await breaker.run(() => fast('Order'), struggling).catch(() => 'refused')) === 'Order', 'the probe to pass', 2_000, 20);
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('counts only consecutive failures: a success in between resets the count', async () => {
    const breaker = createOrderPathBreaker({ failures: 2, openMs: 1_000, slowMs: 1_000 });
    const failed = (v: string) => v === 'bad';
    for (const v of ['bad', 'ok', 'bad', 'ok', 'bad']) await breaker.run(() => fast(v), failed);
    expect(breaker.state).toBe('closed');
  });
});
