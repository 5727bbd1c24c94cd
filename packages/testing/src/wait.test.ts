import { describe, expect, it } from 'vitest';
import { waitUntil } from './wait.ts';

describe('waitUntil', () => {
  it('resolves once the condition holds, sync or async', async () => {
    let calls = 0;
    await waitUntil(() => ++calls >= 3, 'three calls', 1_000, 1);
    expect(calls).toBe(3);
    let asyncCalls = 0;
    await waitUntil(async () => ++asyncCalls >= 2, 'two async calls', 1_000, 1);
    expect(asyncCalls).toBe(2);
  });

  it('fails after the timeout, describing the state at the deadline', async () => {
    let polls = 0;
    await expect(waitUntil(() => (polls++, false), () => `a miracle (polled ${polls} times)`, 50, 5)).rejects.toThrow(/^timed out after 50 ms waiting for a miracle \(polled [1-9]\d* times\)$/);
  });
});
