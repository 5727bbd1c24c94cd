/**
 * CartWriter on real Postgres and Redis, without the gateway: the one write path every cart
 * change (merge included) goes through.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@platform/testing';
import { setCartTerms, type Owner } from '../src/data/carts.ts';
import { Rollback, type Change } from '../src/services/cart-writer.ts';
import { IdempotencyKeyReused, InvalidCoupon, VersionConflict } from '../src/services/errors.ts';
import { startCartServices, type CartServiceHarness } from './service-harness.ts';

let h: CartServiceHarness;
beforeAll(async () => {
  h = await startCartServices();
});
afterAll(() => h?.stop());

const user = (id: string): Owner => ({ ownerType: 'USER', ownerId: id });

/** A change that sets the cart's shipping country (a real column) and records it. */
const setCountry =
  (country: string): Change<undefined> =>
  async ({ tx, cartId }) => {
    await setCartTerms(tx, cartId, { shippingCountry: country });
    return { event: { type: 'SHIPPING_COUNTRY_SET', payload: { country } } };
  };

const events = (ownerId: string) =>
  sql<{ version: number; type: string }>(h.db.url, `SELECT version, type::text FROM cart."CartEvent" WHERE "ownerId" = $1 ORDER BY version`, [ownerId]);

describe('CartWriter', () => {
  it('creates the cart on the first write and bumps the version once per change, with one outbox event each', async () => {
    const owner = user('writer-first');
    const first = await h.services.writer.write(h.as(owner), owner, { operation: 'test', input: {} }, setCountry('SG'));
    expect(first).toMatchObject({ cart: { version: 1, shippingCountry: 'SG', ownerId: 'writer-first' } });
    const second = await h.services.writer.write(h.as(owner), owner, { operation: 'test', input: {} }, setCountry('MY'));
    expect(second).toMatchObject({ cart: { version: 2, shippingCountry: 'MY' } });
    expect(await events('writer-first')).toEqual([
      { version: 1, type: 'SHIPPING_COUNTRY_SET' },
      { version: 2, type: 'SHIPPING_COUNTRY_SET' },
    ]);
  });

  it('50 concurrent writes to one cart are all applied, in 50 distinct versions, none lost', async () => {
    const owner = user('writer-burst');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => h.services.writer.write(h.as(owner), owner, { operation: 'test', input: { i } }, setCountry(i % 2 ? 'SG' : 'MY'))));
    const versions = results.map((r) => ('cart' in r ? r.cart.version : r.__typename)).sort((a, b) => Number(a) - Number(b));
    expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect((await events('writer-burst')).map((e) => e.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('a change that returns no event leaves the version and the outbox as they were', async () => {
    const owner = user('writer-noop');
    await h.services.writer.write(h.as(owner), owner, { operation: 'test', input: {} }, setCountry('SG'));
    const unchanged = await h.services.writer.write(h.as(owner), owner, { operation: 'noop', input: {} }, async () => ({ event: null }));
    expect(unchanged).toMatchObject({ cart: { version: 1 } });
    expect(await events('writer-noop')).toEqual([{ version: 1, type: 'SHIPPING_COUNTRY_SET' }]);
  });

  it('expectedVersion that is not the current one is a VersionConflict, and the change never runs', async () => {
    const owner = user('writer-stale');
    await h.services.writer.write(h.as(owner), owner, { operation: 'test', input: {} }, setCountry('SG'));
    let ran = false;
    const result = await h.services.writer.write(h.as(owner), owner, { operation: 'test', input: {}, expectedVersion: 0 }, async (ctx) => {
      ran = true;
      return setCountry('TH')(ctx);
    });
    expect(result).toBeInstanceOf(VersionConflict);
    expect(result).toMatchObject({ currentVersion: 1 });
    expect(ran).toBe(false);
    expect(await events('writer-stale')).toHaveLength(1);
  });

  it('a Rollback undoes the change and answers its outcome; a replay of that key answers the same without writing', async () => {
    const owner = user('writer-rollback');
    const refuse: Change<undefined> = async ({ tx, cartId }) => {
      await setCartTerms(tx, cartId, { shippingCountry: 'VN' });
      throw new Rollback(new InvalidCoupon('NOPE', 'UNKNOWN'));
    };
    const request = { operation: 'applyCouponCode', input: { code: 'NOPE' }, idempotencyKey: `k-${randomUUID()}` };
    const first = await h.services.writer.write(h.as(owner), owner, request, refuse);
    expect(first).toBeInstanceOf(InvalidCoupon);
    const replay = await h.services.writer.write(h.as(owner), owner, request, setCountry('SG'));
    expect(replay).toBeInstanceOf(InvalidCoupon);
    expect(replay).toMatchObject({ couponCode: 'NOPE', reason: 'UNKNOWN' });
    const [cart] = await sql<{ version: number; shippingCountry: string | null }>(h.db.url, `SELECT version, "shippingCountry" FROM cart."Cart" WHERE "ownerId" = $1`, ['writer-rollback']);
    expect(cart).toEqual({ version: 0, shippingCountry: null });
  });

  it('20 concurrent writes with one idempotency key apply once and all answer that one result; another input under the key is IdempotencyKeyReused', async () => {
    const owner = user('writer-key');
    const request = { operation: 'test', input: { country: 'PH' }, idempotencyKey: 'one-key' };
    const results = await Promise.all(Array.from({ length: 20 }, () => h.services.writer.write(h.as(owner), owner, request, setCountry('PH'))));
    expect(results.map((r) => ('cart' in r ? r.cart.version : r.__typename))).toEqual(Array(20).fill(1));
    expect(await events('writer-key')).toEqual([{ version: 1, type: 'SHIPPING_COUNTRY_SET' }]);
    const reused = await h.services.writer.write(h.as(owner), owner, { ...request, input: { country: 'TH' } }, setCountry('TH'));
    expect(reused).toBeInstanceOf(IdempotencyKeyReused);
  });

  it('writes that lock two carts (a merge) and writes to either cart alone, all at once, finish without a deadlock', async () => {
    const guest: Owner = { ownerType: 'GUEST', ownerId: randomUUID() };
    const owner = user('writer-two-carts');
    await h.services.writer.write(h.as(guest), guest, { operation: 'test', input: {} }, setCountry('SG'));
    const absorb: Change<undefined> = async ({ tx, cartId, absorbed }) => {
      await setCartTerms(tx, cartId, { shippingCountry: absorbed?.shippingCountry ?? 'MY' });
      return { event: { type: 'MERGED', payload: { from: absorbed?.id ?? null } } };
    };
    const writes = Array.from({ length: 30 }, (_, i) => {
      if (i % 3 === 0) return h.services.writer.write(h.as(owner), owner, { operation: 'merge', input: { i }, absorbing: guest }, absorb);
      const who = i % 3 === 1 ? guest : owner;
      return h.services.writer.write(h.as(who), who, { operation: 'test', input: { i } }, setCountry('TH'));
    });
    const results = await Promise.all(writes);
    expect(results.filter((r) => !('cart' in r))).toEqual([]);
    expect((await events('writer-two-carts')).map((e) => e.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
