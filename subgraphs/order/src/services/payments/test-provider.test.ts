import { describe, expect, it } from 'vitest';
import { TestPaymentProvider } from './test-provider.ts';

const charge = { amount: '10.00', currencyCode: 'SGD' };

describe('the test payment provider', () => {
  it('answers by token: tok_ok succeeds, tok_declined is declined, tok_unavailable is down, others are declined', async () => {
    const provider = new TestPaymentProvider();
    expect(await provider.charge({ ...charge, idempotencyKey: 'a', token: 'tok_ok' })).toMatchObject({ status: 'SUCCEEDED', transactionId: expect.stringMatching(/^ch_test_/) });
    expect(await provider.charge({ ...charge, idempotencyKey: 'b', token: 'tok_declined' })).toMatchObject({ status: 'DECLINED' });
    expect(await provider.charge({ ...charge, idempotencyKey: 'c', token: 'tok_unavailable' })).toMatchObject({ status: 'UNAVAILABLE' });
    expect(await provider.charge({ ...charge, idempotencyKey: 'd', token: 'tok_forged' })).toMatchObject({ status: 'DECLINED' });
    expect(provider.ledger).toHaveLength(1);
  });

  it('never charges or refunds twice for one key', async () => {
    const provider = new TestPaymentProvider();
    const first = await provider.charge({ ...charge, idempotencyKey: 'once', token: 'tok_ok' });
    const again = await provider.charge({ ...charge, idempotencyKey: 'once', token: 'tok_ok' });
    expect(again).toEqual(first);
    if (first.status !== 'SUCCEEDED') throw new Error(first.status);
    const refund = await provider.refund({ ...charge, idempotencyKey: 'refund-once', transactionId: first.transactionId });
    expect(await provider.refund({ ...charge, idempotencyKey: 'refund-once', transactionId: first.transactionId })).toEqual(refund);
    expect(provider.ledger.map((m) => m.kind)).toEqual(['charge', 'refund']);
    await expect(provider.refund({ ...charge, idempotencyKey: 'refund-twice', transactionId: first.transactionId })).rejects.toThrow(/refunded already/);
  });
});
